/**
 * Binary erosion, dilation and opening with the 6-connected cross (3×3×3, faces only:
 * `generate_binary_structure(3, 1)`), one iteration, with scipy's border_value 0: voxels outside the
 * array count as background, so a mask voxel on the array border never survives erosion.
 */
import { ParticlesArgumentError } from './errors';
import { checkShape, type Shape3 } from './volume-shape';

function target(out: Uint8Array | undefined, n: number, src: Uint8Array, what: string): Uint8Array {
  const dst = out ?? new Uint8Array(n);
  if (dst.length !== n) throw new ParticlesArgumentError(`${what}: out has ${dst.length} elements, the mask ${n}`);
  if (dst === src) throw new ParticlesArgumentError(`${what}: out must not be the input mask`);
  return dst;
}

/** Per row (z, y): 1 when the row of `mask` has a non-zero voxel. Lets sparse masks skip empty rows. */
function occupiedRows(mask: Uint8Array, rows: number, X: number): Uint8Array {
  const occ = new Uint8Array(rows);
  for (let r = 0, i = 0; r < rows; r++, i += X) {
    for (let x = 0; x < X; x++) {
      if (mask[i + x] !== 0) {
        occ[r] = 1;
        break;
      }
    }
  }
  return occ;
}

/** 1 where the voxel and its six face neighbours are all non-zero (neighbours outside the array are 0). */
export function binaryErosion6(mask: Uint8Array, shape: Shape3, out?: Uint8Array): Uint8Array {
  const n = checkShape(shape, mask.length, 'binaryErosion6');
  const dst = target(out, n, mask, 'binaryErosion6');
  const [Z, Y, X] = shape;
  const plane = Y * X;
  const occ = occupiedRows(mask, Z * Y, X);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const row = z * plane + y * X;
      // Border rows never survive (outside is background); nor do rows with an empty row beside them.
      const r = z * Y + y;
      if (z === 0 || z === Z - 1 || y === 0 || y === Y - 1 || occ[r] === 0 || occ[r - 1] === 0 || occ[r + 1] === 0 || occ[r - Y] === 0 || occ[r + Y] === 0) {
        dst.fill(0, row, row + X);
        continue;
      }
      dst[row] = 0;
      dst[row + X - 1] = 0;
      for (let x = 1, i = row + 1; x < X - 1; x++, i++) {
        dst[i] =
          mask[i] !== 0 && mask[i - 1] !== 0 && mask[i + 1] !== 0 && mask[i - X] !== 0 && mask[i + X] !== 0 && mask[i - plane] !== 0 && mask[i + plane] !== 0
            ? 1
            : 0;
      }
    }
  }
  return dst;
}

/** 1 where the voxel or one of its six face neighbours is non-zero. */
export function binaryDilation6(mask: Uint8Array, shape: Shape3, out?: Uint8Array): Uint8Array {
  const n = checkShape(shape, mask.length, 'binaryDilation6');
  const dst = target(out, n, mask, 'binaryDilation6');
  const [Z, Y, X] = shape;
  const plane = Y * X;
  const occ = occupiedRows(mask, Z * Y, X);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const row = z * plane + y * X;
      const r = z * Y + y;
      // Only rows with a non-empty row among themselves and their four neighbours can be set.
      if (occ[r] === 0 && (y === 0 || occ[r - 1] === 0) && (y === Y - 1 || occ[r + 1] === 0) && (z === 0 || occ[r - Y] === 0) && (z === Z - 1 || occ[r + Y] === 0)) {
        dst.fill(0, row, row + X);
        continue;
      }
      for (let x = 0, i = row; x < X; x++, i++) {
        dst[i] =
          mask[i] !== 0 ||
          (x > 0 && mask[i - 1] !== 0) || (x < X - 1 && mask[i + 1] !== 0) ||
          (y > 0 && mask[i - X] !== 0) || (y < Y - 1 && mask[i + X] !== 0) ||
          (z > 0 && mask[i - plane] !== 0) || (z < Z - 1 && mask[i + plane] !== 0)
            ? 1
            : 0;
      }
    }
  }
  return dst;
}

/**
 * Opening (erosion then dilation) with the 6-connected cross: removes one-voxel specks and spurs.
 * `scratch` (the erosion) and `out` may be passed to reuse buffers; `out` may be `mask` itself.
 */
export function binaryOpening6(mask: Uint8Array, shape: Shape3, out?: Uint8Array, scratch?: Uint8Array): Uint8Array {
  const eroded = binaryErosion6(mask, shape, scratch);
  return binaryDilation6(eroded, shape, out);
}
