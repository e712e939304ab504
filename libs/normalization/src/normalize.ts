import { InvalidNormalizationParameterError } from './errors';
import { NORMALIZATION_EPS, validateNormalizationParams, type NormalizationParams } from './params';

/** Options of {@link normalizeInPlace}. */
export interface NormalizeOptions {
  /**
   * Number of leading channels: the buffer is `[C, …]` and the instance schemes compute their
   * statistics per channel, as villa does. Fixed-statistics schemes treat all channels alike.
   * Default 1.
   */
  readonly channels?: number;
}

/**
 * Normalizes a float32 buffer in place.
 *
 * Statistics (instance schemes) are accumulated in float64, in two passes (mean, then squared
 * deviations) so large offsets do not cancel; each result is computed in float64 and stored as float32.
 * Normalize the unpadded data, then pad: padding zeros must not enter the patch statistics (nnU-Net
 * and villa both pad after normalizing).
 *
 * @param data - values, modified in place; an empty buffer is left alone
 * @param params - resolved scheme and numbers (see {@link resolveNormalization})
 * @param options - channel count for per-channel instance statistics
 * @throws {@link InvalidNormalizationParameterError} on invalid params or a length that is not a
 *   multiple of `channels`
 */
export function normalizeInPlace(data: Float32Array, params: NormalizationParams, options: NormalizeOptions = {}): void {
  validateNormalizationParams(params);
  const channels = options.channels ?? 1;
  if (!Number.isInteger(channels) || channels < 1 || data.length % channels !== 0) {
    throw new InvalidNormalizationParameterError(`buffer of ${data.length} values cannot be split into ${channels} channels`);
  }
  switch (params.scheme) {
    case 'none':
      return;
    case 'instance_zscore':
    case 'instance_minmax': {
      const per = data.length / channels;
      for (let c = 0; c < channels; c++) {
        const ch = data.subarray(c * per, (c + 1) * per);
        if (params.scheme === 'instance_zscore') zscore(ch);
        else minmax(ch);
      }
      return;
    }
    case 'global_zscore':
      affine(data, params.mean, Math.max(params.std, NORMALIZATION_EPS));
      return;
    case 'ct': {
      const p = params.intensityProperties;
      const lo = p.percentile_00_5;
      const hi = p.percentile_99_5;
      const mean = p.mean;
      const div = Math.max(p.std, NORMALIZATION_EPS);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        data[i] = ((v < lo ? lo : v > hi ? hi : v) - mean) / div;
      }
      return;
    }
    case 'window': {
      const left = params.level - params.width / 2;
      const right = params.level + params.width / 2;
      const width = params.width;
      const int16 = params.truncateToInt16 ?? false;
      for (let i = 0; i < data.length; i++) {
        // (v << 16) >> 16 is ECMAScript ToInt16: truncate toward zero, wrap modulo 2^16.
        const v = int16 ? (data[i]! << 16) >> 16 : data[i]!;
        data[i] = ((v < left ? left : v > right ? right : v) - left) / width;
      }
      return;
    }
    case 'clip_scale': {
      const c = params.clipValue;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        data[i] = (v < 0 ? 0 : v > c ? c : v) / c;
      }
      return;
    }
  }
}

function affine(data: Float32Array, offset: number, divisor: number): void {
  for (let i = 0; i < data.length; i++) data[i] = (data[i]! - offset) / divisor;
}

function zscore(data: Float32Array): void {
  const n = data.length;
  if (n === 0) return;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i]! - mean;
    ss += d * d;
  }
  affine(data, mean, Math.max(Math.sqrt(ss / n), NORMALIZATION_EPS));
}

function minmax(data: Float32Array): void {
  const n = data.length;
  if (n === 0) return;
  let lo = data[0]!;
  let hi = lo;
  for (let i = 1; i < n; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  affine(data, lo, Math.max(hi - lo, NORMALIZATION_EPS));
}
