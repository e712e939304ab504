/**
 * What itk-infer takes from the model and the flags: the CT window, patch size, stride and batch. The
 * precedence is flags > the model's fixed input shape > its metadata (`window_level`, `window_width`,
 * `inference_config`) > itk_infer's defaults (stride P // 2, one window per batch). Unlike itk_infer,
 * a --patch-size that contradicts a fixed input shape is an error, not silently ignored.
 */
import type { ModelCard, TensorInfo } from '@voxelflow/inference';
import { IncompatibleModelError, MissingWindowError, UsageError } from './errors';

/** The flags that shape inference (all optional). */
export interface ModelFlags {
  wl?: number;
  ww?: number;
  patchSize?: number[];
  patchStride?: number[];
  batchSize?: number;
}

/** The CT window: (clip(x, L − W/2, L + W/2) − (L − W/2)) / W. */
export interface CtWindow {
  level: number;
  width: number;
}

/** Everything the sliding window needs, resolved. */
export interface InferenceSettings {
  window: CtWindow;
  patchSize: [number, number, number];
  stride: [number, number, number];
  /** Windows per model call. */
  batchSize: number;
}

/** What settings are read from: a loaded model's tensors, card and raw metadata. */
export interface ModelFacts {
  /** For messages: the model path. */
  source: string;
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
  card: ModelCard;
  /** The ONNX `metadata_props`. */
  metadataProps: Readonly<Record<string, string>>;
}

/**
 * The window from --wl/--ww, else from the model card (ONNX metadata `window_level`/`window_width`
 * or a sidecar card).
 *
 * @throws {@link MissingWindowError} when neither gives both numbers
 * @throws {@link UsageError} for a width that is not positive
 */
export function resolveWindow(flags: ModelFlags, card: ModelCard, source: string): CtWindow {
  const level = flags.wl ?? card.windowLevel;
  const width = flags.ww ?? card.windowWidth;
  if (level === undefined || width === undefined) {
    throw new MissingWindowError(
      `--backend onnx requires --wl/--ww: model ${source} has no window_level/window_width metadata; pass both, e.g. --wl 40 --ww 400`,
    );
  }
  if (!Number.isFinite(level) || !Number.isFinite(width) || width <= 0) {
    throw new UsageError(`window level ${level} / width ${width} is invalid: --ww must be a positive number`);
  }
  return { level, width };
}

/** The `inference_config` JSON of the metadata as an object ({} when absent or not JSON). */
function inferenceConfig(props: Readonly<Record<string, string>>): Record<string, unknown> {
  const raw = props['inference_config'];
  if (raw === undefined) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const fmt = (shape: readonly (number | string | null)[]): string => `[${shape.map((d) => (typeof d === 'number' ? d : 'N')).join(', ')}]`;

function triple(flag: string, v: readonly number[]): [number, number, number] {
  if (v.length !== 3 || v.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new UsageError(`${flag} ${v.join(' ')}: expected three positive integers Z Y X`);
  }
  return [v[0]!, v[1]!, v[2]!];
}

/**
 * Resolves and checks every setting against a loaded model.
 *
 * @throws {@link IncompatibleModelError} when the model does not take [N, 1, Z, Y, X] or does not
 *   output [N, C ≥ 2, Z, Y, X]
 * @throws {@link UsageError} for a patch size the model cannot take, a missing patch size, or a bad stride
 * @throws {@link MissingWindowError} when the window is unknown
 */
export function resolveSettings(model: ModelFacts, flags: ModelFlags): InferenceSettings {
  const { source } = model;
  const input = model.inputs[0];
  const output = model.outputs[0];
  if (!input || input.shape.length !== 5) {
    throw new IncompatibleModelError(
      `model ${source} takes input ${input ? fmt(input.shape) : '(none)'}; itk-infer feeds one 3-D image as [N, 1, Z, Y, X]`,
    );
  }
  const inChannels = input.shape[1];
  if (typeof inChannels === 'number' && inChannels !== 1) {
    throw new IncompatibleModelError(
      `model ${source} expects ${inChannels} input channels (input ${fmt(input.shape)}); itk-infer feeds one image channel, [N, 1, Z, Y, X]`,
    );
  }
  if (output && output.shape.length !== 5) {
    throw new IncompatibleModelError(`model ${source} outputs ${fmt(output.shape)}; itk-infer needs class logits [N, C, Z, Y, X]`);
  }
  const classes = output?.shape[1];
  if (typeof classes === 'number' && classes < 2) {
    throw new IncompatibleModelError(
      `model ${source} outputs ${classes} channel; itk-infer needs one logit per class (at least 2: background and foreground) for the argmax`,
    );
  }
  const spatial = input.shape.slice(2);
  const fixed = spatial.every((d): d is number => typeof d === 'number' && d > 0) ? (spatial as number[]) : undefined;
  let patchSize: [number, number, number];
  if (flags.patchSize) {
    patchSize = triple('--patch-size', flags.patchSize);
    if (fixed && fixed.some((d, a) => d !== patchSize[a])) {
      throw new UsageError(
        `--patch-size ${patchSize.join(' ')} does not fit model ${source}, whose input is fixed at ${fixed.join('×')}; drop --patch-size or export the model with dynamic spatial axes`,
      );
    }
    spatial.forEach((d, a) => {
      if (typeof d === 'number' && d > 0 && d !== patchSize[a]) {
        throw new UsageError(`--patch-size ${patchSize.join(' ')} does not fit model ${source}, whose input is ${fmt(input.shape)}`);
      }
    });
  } else if (fixed) {
    patchSize = triple('the model input', fixed);
  } else if (model.card.patchSize) {
    patchSize = triple(`the patch_size in ${source}'s metadata`, model.card.patchSize);
  } else {
    throw new UsageError(
      `model ${source} has dynamic spatial axes and no patch size in its metadata (inference_config.patch_size); pass --patch-size Z Y X`,
    );
  }
  const metaStride = model.card.extra?.['patchStride'];
  const stride = flags.patchStride
    ? triple('--patch-stride', flags.patchStride)
    : Array.isArray(metaStride)
      ? triple(`the patch_stride in ${source}'s metadata`, metaStride as number[])
      : (patchSize.map((p) => Math.max(1, Math.floor(p / 2))) as [number, number, number]);
  stride.forEach((s, a) => {
    if (s > patchSize[a]!) {
      throw new UsageError(
        `patch stride ${stride.join(' ')} is larger than the patch ${patchSize.join(' ')} on axis ${'ZYX'[a]}: voxels between windows would get no prediction; use a stride ≤ the patch`,
      );
    }
  });
  const fixedBatch = typeof input.shape[0] === 'number' && input.shape[0] > 0 ? input.shape[0] : undefined;
  const metaBatch = inferenceConfig(model.metadataProps)['forward_batch_windows'];
  const batchSize =
    fixedBatch ?? flags.batchSize ?? (typeof metaBatch === 'number' && Number.isInteger(metaBatch) && metaBatch > 0 ? metaBatch : 1);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size ${batchSize}: expected a positive integer`);
  return { window: resolveWindow(flags, model.card, source), patchSize, stride, batchSize };
}
