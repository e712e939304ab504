/**
 * The ink model as the pipeline uses it: resolved from `MODEL` (table key, hub repo, URL or path),
 * loaded into ONNX Runtime, and checked against the run — a 2.5D input `[N, 1, L, T, T]` whose L is
 * the number of layers and whose T is `TILE_SIZE`, one output channel `[N, 1, h, w]`, and the
 * normalization its card asks for (default `clip_scale` 200, as the ink models are trained).
 */
import { resolveModel, type ModelBackend, type ResolvedModel } from '@voxelflow/inference';
import { normalizeInPlace, resolveNormalization, type NormalizationParams } from '@voxelflow/normalization';
import { createOnnxBackend } from '@voxelflow/runtime-onnx';
import type { InkConfig } from './config';
import { ChannelMismatchError, UnsupportedInkModelError } from './errors';
import { loadModelTable, locateModel, type ModelLocation } from './model-table';

/** A loaded model plus what the pipeline needs to know about it. */
export interface InkModel {
  /** Where MODEL pointed and the label of the output name. */
  location: ModelLocation;
  /** The resolved model (bytes, sha256, card beside it). */
  resolved: ResolvedModel;
  /** The ONNX Runtime backend. */
  backend: ModelBackend;
  /** Layers the model takes (L of `[N, 1, L, T, T]`). */
  layers: number;
  /** Tile edge the model takes (= TILE_SIZE). */
  tile: number;
  /** Normalization of the uint8 layer values. */
  normalization: NormalizationParams;
  /** What turns outputs into probabilities: `sigmoid` for logits, `none` for models that output probabilities. */
  activation: 'sigmoid' | 'none';
}

/** Numbers of a declared shape; symbolic dimensions are undefined. */
function dims(shape: readonly (number | string | null)[]): (number | undefined)[] {
  return shape.map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
}

/** Throws {@link ChannelMismatchError} unless `layers` equals what the model takes. */
export function checkChannels(model: Pick<InkModel, 'layers' | 'location'>, layers: number, what: string): void {
  if (layers !== model.layers) {
    throw new ChannelMismatchError(
      `Channel mismatch: ${what} gives ${layers} layers but model ${model.location.label} expects ${model.layers} channels; set END_LAYER − START_LAYER = ${model.layers} (END_LAYER is exclusive)`,
      layers,
      model.layers,
    );
  }
}

/**
 * A 256-entry table of the normalized value of every uint8 layer value, made by the normalization
 * library itself, so per-pixel work is one lookup. Undefined for schemes whose result depends on the
 * tile (instance z-score / min–max): those normalize each gathered tile instead.
 */
export function normalizationTable(params: NormalizationParams): Float32Array | undefined {
  if (params.scheme === 'instance_zscore' || params.scheme === 'instance_minmax') return undefined;
  const lut = new Float32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = i;
  normalizeInPlace(lut, params);
  return lut;
}

/**
 * Resolves and loads `config.model`, checks it against TILE_SIZE and the layer range
 * (END_LAYER − START_LAYER, "Channel mismatch" otherwise), and returns it ready to run.
 */
export async function loadInkModel(config: InkConfig): Promise<InkModel> {
  const location = locateModel(config.model, loadModelTable(config.modelTable));
  const resolved = await resolveModel(location.source);
  const backend = await createOnnxBackend(resolved, {
    device: config.device,
    ...(config.threads !== undefined ? { threads: config.threads } : {}),
    graphOptimization: config.graphOptimization,
  });
  try {
    const model = describeModel(location, resolved, backend, config.tileSize);
    checkChannels(model, config.endLayer - config.startLayer, `START_LAYER=${config.startLayer} … END_LAYER=${config.endLayer}`);
    return model;
  } catch (e) {
    await backend.dispose();
    throw e;
  }
}

/** Reads layers, tile size, normalization and activation from the backend's tensors and card. */
export function describeModel(location: ModelLocation, resolved: ResolvedModel, backend: ModelBackend, tileSize: number): InkModel {
  const name = location.label;
  const input = backend.inputs[0]!;
  const output = backend.outputs[0]!;
  const card = backend.card;
  if (input.shape.length !== 5) {
    throw new UnsupportedInkModelError(
      `model ${name} takes a rank-${input.shape.length} input; ink models take [N, 1, layers, ${tileSize}, ${tileSize}] (2.5D)`,
    );
  }
  const [, one, l, h, w] = dims(input.shape);
  if (one !== undefined && one !== 1) {
    throw new UnsupportedInkModelError(`model ${name} takes ${one} input channels; ink models take [N, 1, layers, H, W]`);
  }
  const layers = l ?? card.layers;
  if (layers === undefined) {
    throw new UnsupportedInkModelError(`cannot tell how many layers model ${name} takes: its input depth is symbolic and its card has no "layers"; add layers to its voxelflow.json`);
  }
  for (const [axis, d] of [['height', h], ['width', w]] as const) {
    if (d !== undefined && d !== tileSize) {
      throw new UnsupportedInkModelError(`TILE_SIZE=${tileSize} but model ${name} takes tiles of ${axis} ${d}; set TILE_SIZE=${d}`);
    }
  }
  const od = dims(output.shape);
  if (od.length !== 4 || (od[1] !== undefined && od[1] !== 1)) {
    throw new UnsupportedInkModelError(`model ${name} outputs ${JSON.stringify(output.shape)}; ink models output one probability map [N, 1, h, w]`);
  }
  // The ink models are trained on clip(0, 200) / 200: that is the default when the card is silent.
  const normalization = resolveNormalization(card, {}, 'clip_scale');
  const activation = card.activation === 'none' ? 'none' : 'sigmoid';
  if (card.activation === 'softmax') {
    throw new UnsupportedInkModelError(`model ${name} asks for softmax; ink models output one logit channel for sigmoid`);
  }
  return { location, resolved, backend, layers, tile: tileSize, normalization, activation };
}
