/**
 * Logits → the segmentation (argmax over classes) and itk_infer's image confidence. Buffers are
 * channel-major: channel c of voxel i at c·n + i.
 */
import { ImageError } from './errors';

/**
 * Class index of the largest logit per voxel, as uint8; ties go to the lowest index (torch.argmax).
 *
 * @param logits - [C, n] logits
 * @param channels - C, at most 256
 * @param out - destination of n labels (allocated when omitted)
 */
export function argmaxLabels(logits: Float32Array, channels: number, out?: Uint8Array): Uint8Array {
  if (channels < 1 || channels > 256 || logits.length % channels !== 0) {
    throw new ImageError(`cannot take the argmax of ${channels} classes into a uint8 segmentation (1–256 classes)`);
  }
  const n = logits.length / channels;
  const labels = out ?? new Uint8Array(n);
  const best = logits.slice(0, n);
  labels.fill(0, 0, n);
  for (let c = 1; c < channels; c++) {
    const off = c * n;
    for (let i = 0; i < n; i++) {
      const v = logits[off + i]!;
      if (v > best[i]!) {
        best[i] = v;
        labels[i] = c;
      }
    }
  }
  return labels;
}

/**
 * itk_infer's prediction confidence (`--save-conf`): the mean over every voxel of 1 − H / ln C, with
 * H = −Σ_c p_c · ln(p_c + 1e-8) and p = softmax(logits). 1 means one-hot predictions everywhere, 0
 * uniform ones. Computed in float64.
 *
 * @param logits - [C, n] logits, C ≥ 2
 * @param channels - C
 * @throws {@link ImageError} for fewer than two classes (the entropy is not normalisable)
 */
export function meanConfidence(logits: Float32Array, channels: number): number {
  if (channels < 2) throw new ImageError(`confidence needs at least 2 classes; the model outputs ${channels}`);
  const n = logits.length / channels;
  if (n === 0) return Number.NaN;
  const e = new Float64Array(channels);
  const lnC = Math.log(channels);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < channels; c++) max = Math.max(max, logits[c * n + i]!);
    let z = 0;
    for (let c = 0; c < channels; c++) {
      const v = Math.exp(logits[c * n + i]! - max);
      e[c] = v;
      z += v;
    }
    let h = 0;
    for (let c = 0; c < channels; c++) {
      const p = e[c]! / z;
      h -= p * Math.log(p + 1e-8);
    }
    sum += 1 - h / lnC;
  }
  return sum / n;
}
