/**
 * 2× block mean, the pyramid rule for probabilities. Each output voxel is the mean of its 2×2×2
 * block of input voxels, accumulated in float64; at an odd extent's edge the block is partial and
 * only the voxels present are averaged (no edge replication, so the edge is not weighted twice).
 * Integer outputs are rounded half up (the reference truncated, which biases every level down by
 * half a step).
 */
import { isIntegerArray, prepareDownsample, type NumericArray } from './downsample-shape';

/**
 * Block means of `src` (3D, C order, `shape` = (z, y, x)) into `out` of shape ceil(shape / 2)
 * (allocated like `src` when omitted). Returns `out`.
 */
export function downsampleMean<T extends NumericArray>(src: T, shape: readonly number[], out?: T): T {
  const dst = prepareDownsample('downsampleMean', src, shape, out);
  const Z = shape[0]!;
  const Y = shape[1]!;
  const X = shape[2]!;
  const oz = Math.ceil(Z / 2);
  const oy = Math.ceil(Y / 2);
  const ox = Math.ceil(X / 2);
  const round = isIntegerArray(dst);
  let o = 0;
  for (let z = 0; z < oz; z++) {
    const z0 = 2 * z;
    const z1 = Math.min(z0 + 2, Z);
    for (let y = 0; y < oy; y++) {
      const y0 = 2 * y;
      const y1 = Math.min(y0 + 2, Y);
      for (let x = 0; x < ox; x++) {
        const x0 = 2 * x;
        const x1 = Math.min(x0 + 2, X);
        let sum = 0;
        let count = 0;
        for (let zz = z0; zz < z1; zz++) {
          for (let yy = y0; yy < y1; yy++) {
            const row = (zz * Y + yy) * X;
            for (let xx = x0; xx < x1; xx++) {
              sum += src[row + xx]!;
              count++;
            }
          }
        }
        const mean = sum / count;
        dst[o++] = round ? Math.floor(mean + 0.5) : mean;
      }
    }
  }
  return dst;
}
