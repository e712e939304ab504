/**
 * Model resolution: turns `--model_path` (an .onnx file, a model directory, `hf://org/repo[@rev]`,
 * `s3://…`, `https://…`) into the model's bytes plus the card found beside it (sidecar voxelflow.json
 * or nnU-Net plans.json + dataset.json). Loading the bytes into a runtime is the backend's job.
 */
import { createHash } from 'node:crypto';
import { openStore, type Store } from '@voxelflow/remote-storage';
import type { ModelCard } from './backend';
import { ModelLoadError } from './errors';
import { SIDECAR_CARD_FILE, mergeModelCards, modelCardFromNnunet, parseModelCard } from './model-card';

/** A model fetched by {@link resolveModel}: its bytes, hash and the card found beside it. */
export interface ResolvedModel {
  /** What the user passed. */
  source: string;
  /** Short name for logs and metadata (file name without extension, or the repo name). */
  name: string;
  /** The ONNX (or other backend format) file's bytes. */
  bytes: Uint8Array;
  /** sha256 of `bytes`, hex. */
  sha256: string;
  /** Card from files beside the model (sidecar, nnU-Net plans); the backend adds the embedded one. */
  card: ModelCard;
}

/** Options of {@link resolveModel}. */
export interface ResolveModelOptions {
  /** Model file name to look for in a directory or repo (default: model.onnx, else the only .onnx). */
  fileName?: string;
  /** nnU-Net configuration to read from plans.json (default 3d_fullres). */
  nnunetConfiguration?: string;
}

function splitModelUrl(source: string): { root: string; file?: string } {
  if (/\.onnx$/i.test(source)) {
    const i = source.lastIndexOf('/');
    return i < 0 ? { root: '.', file: source } : { root: source.slice(0, i) || '/', file: source.slice(i + 1) };
  }
  return { root: source };
}

async function readJson(store: Store, key: string): Promise<unknown | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ModelLoadError(`${store.url}/${key} is not valid JSON; fix or remove it`);
  }
}

/** Fetches a model and the card files beside it. Throws ModelLoadError with a one-line fix. */
export async function resolveModel(source: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  const { root, file: explicitFile } = splitModelUrl(source);
  let store: Store;
  try {
    store = await openStore(root);
  } catch (e) {
    throw new ModelLoadError(`cannot open model location ${source}: ${(e as Error).message}`);
  }
  let file = explicitFile ?? options.fileName;
  if (!file) {
    let keys: string[] = [];
    try {
      keys = await store.list('');
    } catch {
      keys = [];
    }
    const onnx = keys.filter((k) => /\.onnx$/i.test(k) && !k.includes('/'));
    file = onnx.includes('model.onnx') ? 'model.onnx' : onnx.length === 1 ? onnx[0] : undefined;
    if (!file) {
      file = 'model.onnx';
      if (onnx.length > 1) {
        throw new ModelLoadError(
          `${source} holds several .onnx files (${onnx.join(', ')}); name one, e.g. ${root}/${onnx[0]}`,
        );
      }
    }
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(file);
  } catch (e) {
    throw new ModelLoadError(`cannot read model ${root}/${file}: ${(e as Error).message}`);
  }
  if (!bytes) {
    throw new ModelLoadError(
      `no model at ${explicitFile ? source : `${root}/${file}`}; pass an .onnx file or a directory holding model.onnx`,
    );
  }
  const sidecar = await readJson(store, SIDECAR_CARD_FILE);
  const plans = await readJson(store, 'plans.json');
  const dataset = plans ? await readJson(store, 'dataset.json') : undefined;
  const card = mergeModelCards(
    plans ? modelCardFromNnunet(plans, dataset, options.nnunetConfiguration) : undefined,
    sidecar !== undefined ? parseModelCard(sidecar, `${root}/${SIDECAR_CARD_FILE}`) : undefined,
  );
  const name = file.replace(/\.onnx$/i, '') === 'model' ? (root.split(/[/@]/).filter(Boolean).pop() ?? 'model') : file.replace(/\.onnx$/i, '');
  return { source, name, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), card };
}

/** Options every backend understands. */
export interface BackendOptions {
  /** 'cpu', 'cuda', 'cuda:N' (backends may add more). */
  device: string;
  /** Intra-op threads; default: the backend's choice (all cores). */
  threads?: number;
  /** Graph optimization: 'disabled' | 'basic' | 'extended' | 'all'. */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Creates a backend for a resolved model; apps wire in runtime-onnx's (or another package's) factory. */
export type BackendFactory = (
  model: ResolvedModel,
  options: BackendOptions,
) => Promise<import('./backend').ModelBackend>;
