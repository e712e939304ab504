/**
 * 2× block mode, the pyramid rule for label images (the argmax channel): each output voxel is the
 * most frequent value of its 2×2×2 block (partial edge blocks: the voxels present). Ties go to the
 * smallest value, which is deterministic and, with class 0 as background, never invents a class at a
 * 4–4 boundary. Averaging labels (as the reference did) would create class indices that do not exist.
 */
import { prepareDownsample, type NumericArray } from './downsample-shape';

/** Block modes of `src` (3D, C order, `shape` = (z, y, x)) into `out` of shape ceil(shape / 2). */
export function downsampleMode<T extends NumericArray>(src: T, shape: readonly number[], out?: T): T {
  const dst = prepareDownsample('downsampleMode', src, shape, out);
  const Z = shape[0]!;
  const Y = shape[1]!;
  const X = shape[2]!;
  const oz = Math.ceil(Z / 2);
  const oy = Math.ceil(Y / 2);
  const ox = Math.ceil(X / 2);
  const block = new Float64Array(8);
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
        let k = 0;
        for (let zz = z0; zz < z1; zz++) {
          for (let yy = y0; yy < y1; yy++) {
            const row = (zz * Y + yy) * X;
            for (let xx = x0; xx < x1; xx++) block[k++] = src[row + xx]!;
          }
        }
        let best = block[0]!;
        let bestCount = 0;
        for (let a = 0; a < k; a++) {
          const v = block[a]!;
          let count = 0;
          for (let b = 0; b < k; b++) if (block[b] === v) count++;
          if (count > bestCount || (count === bestCount && v < best)) {
            best = v;
            bestCount = count;
          }
        }
        dst[o++] = best;
      }
    }
  }
  return dst;
}
