import { TilingArgumentError } from './errors';

/**
 * scipy's sampled 1-D Gaussian kernel (`scipy.ndimage._gaussian_kernel1d`, order 0): weights
 * exp(−x² / (2σ²)) for x = −r … r with r = int(truncate·σ + 0.5), normalized to sum 1.
 *
 * @param sigma - standard deviation in voxels, > 0
 * @param truncate - radius in standard deviations (scipy's default 4)
 * @returns 2r + 1 weights, centre at index r
 * @throws {@link TilingArgumentError} if sigma or truncate is not positive
 */
export function gaussianKernel1D(sigma: number, truncate = 4): Float64Array {
  if (!(sigma > 0) || !(truncate > 0)) {
    throw new TilingArgumentError(`gaussian sigma and truncate must be positive, got sigma ${sigma}, truncate ${truncate}`);
  }
  const radius = Math.trunc(truncate * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  const c = -0.5 / (sigma * sigma);
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const x = i - radius;
    w[i] = Math.exp(c * (x * x));
    sum += w[i]!;
  }
  for (let i = 0; i < w.length; i++) w[i]! /= sum;
  return w;
}

/**
 * One axis of the importance map before peak normalization: a unit impulse at ⌊P/2⌋ filtered with
 * {@link gaussianKernel1D} (σ = P / sigmaScale), zero beyond the kernel radius — what
 * `scipy.ndimage.gaussian_filter(mode='constant')` gives along one axis.
 *
 * @param size - patch extent P along the axis
 * @param sigmaScale - σ = size / sigmaScale (default 8, nnU-Net and villa)
 * @param truncate - kernel radius in σ (default 4, scipy)
 */
export function gaussianProfile1D(size: number, sigmaScale = 8, truncate = 4): Float64Array {
  if (!Number.isInteger(size) || size < 1) {
    throw new TilingArgumentError(`patch size must be a positive integer, got ${size}`);
  }
  if (!(sigmaScale > 0)) throw new TilingArgumentError(`sigma scale must be positive, got ${sigmaScale}`);
  const w = gaussianKernel1D(size / sigmaScale, truncate);
  const radius = (w.length - 1) / 2;
  const centre = Math.floor(size / 2);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const d = i - centre;
    if (d >= -radius && d <= radius) out[i] = w[d + radius]!;
  }
  return out;
}

/** Options of {@link gaussianImportanceMap}. */
export interface GaussianMapOptions {
  /** Replace exact zeros with the smallest non-zero value (nnU-Net; default true). */
  readonly replaceZeros?: boolean;
  /** Kernel radius in σ (default 4, scipy's). */
  readonly truncate?: number;
}

/**
 * nnU-Net's Gaussian importance map for blending overlapping patches, peak 1.
 *
 * A unit impulse at ⌊P_a/2⌋ per axis is filtered with scipy's truncated Gaussian (σ_a = P_a /
 * sigmaScale, mode constant), divided by its maximum, and — unless `replaceZeros` is false — every exact
 * zero is replaced by the smallest non-zero value so no voxel gets weight 0. The filter is separable,
 * so the map is the product of {@link gaussianProfile1D} per axis, multiplied in axis order in float64
 * as scipy's successive 1-D passes do, then stored as float32.
 *
 * Differences from the references: nnU-Net scales the peak to 10 and stores float16 (≈0.4 % of a 128³
 * map underflows to 0 and is then replaced); villa's `generate_gaussian_map` has peak 1 but does not
 * replace zeros. For the default sigmaScale 8 and truncate 4 no value inside a patch is zero, so all
 * three agree up to scale and precision; a larger sigmaScale truncates the corners to zero.
 * For even P the centre is half a voxel past the geometric centre, so the map is not symmetric.
 *
 * @param patchSize - patch extent per axis (any number of axes)
 * @param sigmaScale - σ = P / sigmaScale per axis (default 8)
 * @param options - zero replacement and truncation
 * @returns C-order float32 map of `patchSize`, maximum exactly 1
 */
export function gaussianImportanceMap(
  patchSize: readonly number[],
  sigmaScale = 8,
  options: GaussianMapOptions = {},
): Float32Array {
  if (patchSize.length === 0) throw new TilingArgumentError('patch size needs at least one axis');
  const truncate = options.truncate ?? 4;
  const profiles = patchSize.map((p) => gaussianProfile1D(p, sigmaScale, truncate));
  let peak = 1;
  for (let a = 0; a < profiles.length; a++) peak *= profiles[a]![Math.floor(patchSize[a]! / 2)]!;
  // Build the map one axis at a time: after step a, `acc` holds the product over axes 0..a.
  let acc = new Float64Array([1]);
  for (const prof of profiles) {
    const next = new Float64Array(acc.length * prof.length);
    for (let i = 0; i < acc.length; i++) {
      const v = acc[i]!;
      const base = i * prof.length;
      for (let j = 0; j < prof.length; j++) next[base + j] = v * prof[j]!;
    }
    acc = next;
  }
  const map = new Float32Array(acc.length);
  let minNonZero = Infinity;
  for (let i = 0; i < acc.length; i++) {
    map[i] = acc[i]! / peak;
    const v = map[i]!;
    if (v > 0 && v < minNonZero) minNonZero = v;
  }
  if (options.replaceZeros ?? true) {
    for (let i = 0; i < map.length; i++) if (map[i] === 0) map[i] = minNonZero;
  }
  return map;
}
