/**
 * Logits → probabilities over channel-major buffers ([C, n]: channel c of voxel i at c·n + i).
 * Computed in float64 and stored in float32. NaN marks no-data (voxels no patch covered) and stays
 * NaN: a voxel with any NaN channel is NaN in every channel under softmax.
 */

/** How logits become probabilities: softmax over the channels, or an independent sigmoid per channel. */
export type Activation = 'softmax' | 'sigmoid';

/**
 * The logistic function 1 / (1 + e^−x), in the form that never divides Infinity by Infinity.
 * No clipping of x is needed in float64 (the reference clips to [−20, 20] to protect float16/float32
 * exp; that changes p by < 2.1e-9, below float32 resolution near 1 and invisible in uint8).
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Softmax over `channels` (numerically stable: the per-voxel maximum is subtracted) or an
 * element-wise sigmoid, from `logits` [C, n] into `out` [C, n] (allocated when omitted; may be
 * `logits` itself). Returns `out`.
 */
export function logitsToProbabilities(
  logits: Float32Array,
  channels: number,
  activation: Activation,
  out: Float32Array = new Float32Array(logits.length),
): Float32Array {
  if (!Number.isInteger(channels) || channels < 1 || logits.length % channels !== 0) {
    throw new RangeError(`logitsToProbabilities: ${logits.length} logits do not split into ${channels} channels`);
  }
  if (out.length < logits.length) throw new RangeError(`logitsToProbabilities: out holds ${out.length} values, logits ${logits.length}`);
  const n = logits.length / channels;
  if (activation === 'sigmoid') {
    for (let i = 0; i < logits.length; i++) {
      const l = logits[i]!;
      out[i] = l !== l ? NaN : sigmoid(l);
    }
    return out;
  }
  const e = new Float64Array(channels);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let noData = false;
    for (let c = 0; c < channels; c++) {
      const l = logits[c * n + i]!;
      if (l !== l) noData = true;
      else if (l > max) max = l;
    }
    if (noData) {
      for (let c = 0; c < channels; c++) out[c * n + i] = NaN;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const l = logits[c * n + i]!;
      // l === max also covers max = ±Infinity, where l − max would be NaN.
      const v = l === max ? 1 : Math.exp(l - max);
      e[c] = v;
      sum += v;
    }
    for (let c = 0; c < channels; c++) out[c * n + i] = e[c]! / sum;
  }
  return out;
}
