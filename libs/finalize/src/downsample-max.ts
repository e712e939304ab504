/**
 * 2× block maximum, the pyramid rule for binary masks: a voxel is foreground at a coarser level when
 * any voxel of its 2×2×2 block is (thin sheets stay visible; a mean would turn 0/255 masks into
 * fractions, as the reference's pyramids did). Partial edge blocks use the voxels present.
 */
import { prepareDownsample, type NumericArray } from './downsample-shape';

/** Block maxima of `src` (3D, C order, `shape` = (z, y, x)) into `out` of shape ceil(shape / 2). */
export function downsampleMax<T extends NumericArray>(src: T, shape: readonly number[], out?: T): T {
  const dst = prepareDownsample('downsampleMax', src, shape, out);
  const Z = shape[0]!;
  const Y = shape[1]!;
  const X = shape[2]!;
  const oz = Math.ceil(Z / 2);
  const oy = Math.ceil(Y / 2);
  const ox = Math.ceil(X / 2);
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
        let max = -Infinity;
        for (let zz = z0; zz < z1; zz++) {
          for (let yy = y0; yy < y1; yy++) {
            const row = (zz * Y + yy) * X;
            for (let xx = x0; xx < x1; xx++) {
              const v = src[row + xx]!;
              if (v > max) max = v;
            }
          }
        }
        dst[o++] = max;
      }
    }
  }
  return dst;
}
