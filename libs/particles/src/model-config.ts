/**
 * The model config the segment command reads, in YAML or JSON. It accepts octopi's
 * `model_config.yaml` (training's output):
 *
 *     model: { architecture: Unet, num_classes: 4, dim_in: 96, ... }
 *     labels: { apo-ferritin: 1, beta-galactosidase: 2, ribosome: 3 }
 *
 * plus the ONNX file VoxelFlow runs instead of the `.pth` weights, as `onnx` (top level or under
 * `model`), and optionally `patch_size` [z, y, x] for non-cubic patches. A VoxelFlow card-style JSON
 * (`{"onnx": …, "labels": ["background", "apo-ferritin", …], "patchSize": [64, 64, 64]}`) works too.
 * Comma-separated lists of configs and weights (ensembles) are split by the caller.
 */
import { isAbsolute } from 'node:path';
import { openStore, urlScheme } from '@voxelflow/remote-storage';
import YAML from 'yaml';
import { configFolder, joinUrl } from './copick-roots';
import { ModelConfigError } from './errors';

/** What the segment command needs from a model config. */
export interface ModelConfig {
  /** The ONNX file: resolved against the config's folder when relative and `source` is known; `undefined` when the config names none (weights given on the command line). */
  onnx: string | undefined;
  /** Class (channel) index per object name; the argmax value written to the segmentation. */
  labels: Record<string, number>;
  /** Output channels, background included. */
  numClasses: number;
  /** Patch size (z, y, x) the model runs on. */
  patchSize: [number, number, number];
  /** `model.architecture` when given (informative: the ONNX graph is what runs). */
  architecture?: string;
  /** The whole parsed document. */
  raw: Record<string, unknown>;
  /** Where the config came from, when known. */
  source?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a model config (YAML or JSON; YAML is a superset). `source` (the file's path or URL) is used
 * in messages and to resolve a relative ONNX path. Throws {@link ModelConfigError}.
 */
export function parseModelConfig(text: string, source?: string): ModelConfig {
  const where = source ?? 'model config';
  const bad = (msg: string): never => {
    throw new ModelConfigError(`${where}: ${msg}`, where);
  };
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    return bad(`neither YAML nor JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (!isRecord(doc)) return bad('the top level is not a mapping');
  const model = isRecord(doc.model) ? doc.model : {};

  // Labels: a mapping name → class index, or a list whose positions are the indices.
  const rawLabels = doc.labels ?? model.labels;
  const labels: Record<string, number> = {};
  if (Array.isArray(rawLabels)) {
    rawLabels.forEach((name, i) => {
      if (typeof name !== 'string') bad(`labels[${i}] is ${JSON.stringify(name)}, not a name`);
      labels[name as string] = i;
    });
  } else if (isRecord(rawLabels)) {
    for (const [name, v] of Object.entries(rawLabels)) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(`labels.${name} is ${JSON.stringify(v)}, not a class index (integer ≥ 0)`);
      labels[name] = v as number;
    }
  } else {
    bad('it has no "labels" (object name → class index, e.g. labels: {ribosome: 1})');
  }
  const values = Object.values(labels);
  if (values.filter((v) => v > 0).length === 0) bad('"labels" has no object with a class index ≥ 1');
  const seen = new Map<number, string>();
  for (const [name, v] of Object.entries(labels)) {
    const other = seen.get(v);
    if (other !== undefined) bad(`labels '${other}' and '${name}' share the class index ${v}`);
    seen.set(v, name);
  }

  const maxLabel = Math.max(...values);
  const nc = model.num_classes ?? doc.num_classes ?? doc.numClasses;
  let numClasses = maxLabel + 1;
  if (nc !== undefined) {
    if (typeof nc !== 'number' || !Number.isInteger(nc) || nc < 2) bad(`num_classes is ${JSON.stringify(nc)}, not an integer ≥ 2`);
    if ((nc as number) <= maxLabel) bad(`num_classes ${nc} leaves no channel for class index ${maxLabel}; it must be > every label`);
    numClasses = nc as number;
  }

  const ps = model.patch_size ?? doc.patch_size ?? doc.patchSize;
  const dimIn = model.dim_in ?? doc.dim_in;
  let patchSize: [number, number, number];
  const positiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (ps !== undefined) {
    if (!Array.isArray(ps) || ps.length !== 3 || !ps.every(positiveInt)) bad(`patch_size ${JSON.stringify(ps)} must be three positive integers (z, y, x)`);
    patchSize = [(ps as number[])[0]!, (ps as number[])[1]!, (ps as number[])[2]!];
  } else if (dimIn !== undefined) {
    if (!positiveInt(dimIn)) bad(`model.dim_in ${JSON.stringify(dimIn)} must be a positive integer (the cubic patch edge)`);
    patchSize = [dimIn as number, dimIn as number, dimIn as number];
  } else {
    return bad('it gives no patch size; add model.dim_in (cubic edge, octopi) or patch_size: [z, y, x]');
  }

  const onnxRaw = doc.onnx ?? model.onnx;
  if (onnxRaw !== undefined && (typeof onnxRaw !== 'string' || onnxRaw.length === 0)) bad(`onnx is ${JSON.stringify(onnxRaw)}, not a file path`);
  let onnx = onnxRaw as string | undefined;
  if (onnx !== undefined && source !== undefined && urlScheme(onnx) === '' && !isAbsolute(onnx)) onnx = joinUrl(configFolder(source), onnx);

  const architecture = model.architecture;
  return {
    onnx,
    labels,
    numClasses,
    patchSize,
    ...(typeof architecture === 'string' ? { architecture } : {}),
    raw: doc,
    ...(source !== undefined ? { source } : {}),
  };
}

/** Reads and parses the model config at `url` (a path or URL). */
export async function readModelConfig(url: string): Promise<ModelConfig> {
  const folder = await openStore(configFolder(url));
  const name = url.replace(/\/+$/, '').split(/[\\/]/).pop() ?? url;
  const bytes = await folder.get(name).catch((err: Error) => {
    throw new ModelConfigError(`cannot read model config ${url}: ${err.message}`, url);
  });
  if (bytes === undefined) throw new ModelConfigError(`model config ${url} not found; check the path`, url);
  return parseModelConfig(new TextDecoder().decode(bytes), url);
}
