/**
 * `MODEL` → where the model lives. A key of the small lookup table below (extendable with
 * `MODEL_TABLE`), a hub repo id (`org/name[@revision]`), an `hf://`, `s3://`, `http(s)://` or
 * `file://` URL, or a local path. Whatever it names must hold an ONNX model (`model.onnx`, or the only
 * `.onnx` file) and, beside it, its card (`voxelflow.json`) unless the card is embedded in the ONNX file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { UnknownModelError } from './errors';

/** One entry of the model table. */
export interface ModelTableEntry {
  /** Where the model is: `hf://org/repo[@rev]`, `s3://…`, or a path. */
  source: string;
  /** Architecture, for MODEL_TYPE's default and the record of the run. */
  modelType?: string;
}

/**
 * The built-in keys: the reference container's model names. Their hub repos must hold an ONNX
 * export of the model with its card (`model.onnx` + `voxelflow.json`); repos that only hold PyTorch
 * checkpoints are refused by the model loader with a message naming the missing `model.onnx`.
 */
export const MODEL_TABLE: Readonly<Record<string, ModelTableEntry>> = {
  'timesformer-scroll5': { source: 'hf://scrollprize/timesformer_scroll5_27112024', modelType: 'timesformer' },
  timesformer_scroll5_27112024: { source: 'hf://scrollprize/timesformer_scroll5_27112024', modelType: 'timesformer' },
};

/** Where a `MODEL` value points, and the label used in output names. */
export interface ModelLocation {
  /** What `resolveModel` of @voxelflow/inference opens. */
  source: string;
  /** `prediction_<label>_SS_EE.png`: the key, or the repo's / file's name, made file-name safe. */
  label: string;
  /** How the value was read: a table key, a hub repo id, a URL or a local path. */
  kind: 'table' | 'repo' | 'url' | 'path';
  /** Architecture from the table entry, when it names one. */
  modelType?: string;
}

const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9._/-]+)?$/;
const URL_SCHEME = /^(hf|s3|https?|file):\/\//i;

/** Characters other than letters, digits, `.`, `_` and `-` become `_`. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'model';
}

/**
 * The table: the built-in keys plus `MODEL_TABLE`, a JSON object `{"key": "source"}` or
 * `{"key": {"source": "…", "modelType": "…"}}`, given inline or as the path of a JSON file.
 */
export function loadModelTable(extra: string | undefined): Record<string, ModelTableEntry> {
  const table: Record<string, ModelTableEntry> = { ...MODEL_TABLE };
  if (extra === undefined || extra.trim() === '') return table;
  const text = extra.trim().startsWith('{') ? extra : readTableFile(extra);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UnknownModelError(`MODEL_TABLE is not valid JSON (${(e as Error).message}); give {"key": "hf://org/repo"} inline or as a file`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new UnknownModelError('MODEL_TABLE must be a JSON object mapping keys to sources, e.g. {"my-model": "hf://org/repo"}');
  }
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (typeof value === 'string') table[key] = { source: value };
    else if (value !== null && typeof value === 'object' && typeof (value as ModelTableEntry).source === 'string') {
      const entry = value as ModelTableEntry;
      table[key] = { source: entry.source, ...(typeof entry.modelType === 'string' ? { modelType: entry.modelType } : {}) };
    } else {
      throw new UnknownModelError(`MODEL_TABLE entry ${JSON.stringify(key)} must be a source string or {"source": "…"}`);
    }
  }
  return table;
}

function readTableFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UnknownModelError(`MODEL_TABLE=${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a JSON file or inline JSON`);
  }
}

/** The last path segment of a URL or path, without `.onnx` and without a `@revision`. */
function lastSegment(source: string): string {
  const trimmed = source.replace(/\/+$/, '');
  const seg = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return seg.replace(/@.*$/, '').replace(/\.onnx$/i, '');
}

/**
 * Reads a `MODEL` value: a table key first, then a URL, an existing local path, a hub repo id.
 * Throws {@link UnknownModelError} listing the keys when it is none of these.
 */
export function locateModel(model: string, table: Readonly<Record<string, ModelTableEntry>> = MODEL_TABLE, exists: (path: string) => boolean = existsSync): ModelLocation {
  const entry = table[model];
  if (entry !== undefined) {
    return { source: entry.source, label: fileSafe(model), kind: 'table', ...(entry.modelType ? { modelType: entry.modelType } : {}) };
  }
  if (URL_SCHEME.test(model)) return { source: model, label: fileSafe(lastSegment(model)), kind: 'url' };
  if (exists(model)) return { source: model, label: fileSafe(lastSegment(model)), kind: 'path' };
  if (REPO_ID.test(model)) return { source: `hf://${model}`, label: fileSafe(lastSegment(model)), kind: 'repo' };
  throw new UnknownModelError(
    `MODEL=${model} is not a model key (${Object.keys(table).join(', ')}), a hub repo id (org/name), a URL (hf://, s3://) or an existing path; add it to MODEL_TABLE or fix the name`,
  );
}
