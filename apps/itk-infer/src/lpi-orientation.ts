/**
 * Reorientation to LPI, as SimpleITK's `DICOMOrient(image, 'LPI')` does for itk_infer's outputs.
 *
 * ITK names an orientation by the direction in which each index *increases*, in LPS physical space
 * (+x = Left, +y = Posterior, +z = Superior). LPI therefore means: index i (x, the fastest array axis)
 * runs towards Left, j (y) towards Posterior, k (z, the slowest) towards Inferior, i.e. direction
 * diag(1, 1, −1) for an axis-aligned image. Only axes are permuted and flipped — no resampling — and
 * origin and direction are adjusted so that every voxel keeps its physical position. An oblique image
 * gets the nearest permutation and keeps its obliqueness in the direction matrix.
 */
import type { Geometry } from '@voxelflow/volume-io';

/** Where new axis a (0 = x, 1 = y, 2 = z) comes from, whether it is flipped, and the new geometry. */
export interface LpiPlan {
  /** `source[a]`: the input image axis (0 = x, 1 = y, 2 = z) that becomes axis a. */
  source: [number, number, number];
  /** `flip[a]`: whether axis a runs opposite to its source axis. */
  flip: [boolean, boolean, boolean];
  /** Geometry of the reoriented image. */
  geometry: Geometry;
  /** Array shape (Z, Y, X) of the reoriented image. */
  shape: [number, number, number];
  /** True when nothing moves (the input is already LPI). */
  identity: boolean;
}

/** Sign of each physical axis in LPI: +x (L), +y (P), −z (I). */
const LPI_SIGN = [1, 1, -1] as const;

/**
 * Assigns every image axis (direction column) a physical axis (row): repeatedly the largest |d| left,
 * removing its row and column — ITK's `DirectionCosinesToOrientation`, which always yields a
 * permutation, even for oblique matrices.
 */
function dominantAxes(d: Geometry['direction']): { physical: number[]; sign: number[] } {
  const physical = [-1, -1, -1];
  const sign = [0, 0, 0];
  const rowUsed = [false, false, false];
  const colUsed = [false, false, false];
  for (let n = 0; n < 3; n++) {
    let best = -1;
    let br = 0;
    let bc = 0;
    for (let r = 0; r < 3; r++) {
      if (rowUsed[r]) continue;
      for (let c = 0; c < 3; c++) {
        if (colUsed[c]) continue;
        const v = Math.abs(d[r * 3 + c]!);
        if (v >= best) {
          best = v;
          br = r;
          bc = c;
        }
      }
    }
    rowUsed[br] = true;
    colUsed[bc] = true;
    physical[bc] = br;
    sign[bc] = d[br * 3 + bc]! < 0 ? -1 : 1;
  }
  return { physical, sign };
}

/**
 * How to turn an image of array shape (Z, Y, X) and `geometry` into LPI.
 *
 * @param shape - array shape (Z, Y, X)
 * @param geometry - ITK geometry: spacing and origin (x, y, z), row-major direction (column c = axis c)
 */
export function lpiPlan(shape: readonly number[], geometry: Geometry): LpiPlan {
  const size = [shape[2]!, shape[1]!, shape[0]!]; // per image axis x, y, z
  const { physical, sign } = dominantAxes(geometry.direction);
  const source: [number, number, number] = [0, 0, 0];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  for (let m = 0; m < 3; m++) {
    const a = physical[m]!;
    source[a] = m;
    flip[a] = sign[m] !== LPI_SIGN[a];
  }
  const d = geometry.direction;
  const origin = [...geometry.origin] as [number, number, number];
  const direction = [0, 0, 0, 0, 0, 0, 0, 0, 0] as Geometry['direction'];
  const spacing = [0, 0, 0] as [number, number, number];
  for (let a = 0; a < 3; a++) {
    const m = source[a]!;
    const s = flip[a] ? -1 : 1;
    spacing[a] = geometry.spacing[m]!;
    for (let r = 0; r < 3; r++) {
      direction[r * 3 + a] = s * d[r * 3 + m]! + 0; // + 0: no −0 in the written header
      // The new first voxel is the old last one along a flipped axis.
      if (flip[a]) origin[r] = origin[r]! + d[r * 3 + m]! * geometry.spacing[m]! * (size[m]! - 1);
    }
  }
  const newSize = source.map((m) => size[m]!);
  const identity = source.every((m, a) => m === a) && flip.every((f) => !f);
  return {
    source,
    flip,
    geometry: { ...geometry, spacing, origin, direction },
    shape: [newSize[2]!, newSize[1]!, newSize[0]!],
    identity,
  };
}

type Voxels = Uint8Array | Uint16Array | Float32Array;

/**
 * Applies a plan to `channels` stacked images ([C, Z, Y, X], C-order) and returns the reoriented
 * voxels in a new array of the same type (the input itself when the plan is the identity).
 */
export function reorientVoxels<T extends Voxels>(src: T, shape: readonly number[], plan: LpiPlan, channels = 1): T {
  if (plan.identity) return src;
  const [Z, Y, X] = shape as [number, number, number];
  const n = Z * Y * X;
  if (src.length !== n * channels) throw new RangeError(`reorientVoxels: ${src.length} values do not fill ${channels}×(${shape.join(', ')})`);
  const oldStride = [1, X, X * Y]; // per image axis x, y, z
  const oldSize = [X, Y, Z];
  const step = [0, 0, 0];
  let base = 0;
  for (let a = 0; a < 3; a++) {
    const m = plan.source[a]!;
    step[a] = plan.flip[a] ? -oldStride[m]! : oldStride[m]!;
    if (plan.flip[a]) base += (oldSize[m]! - 1) * oldStride[m]!;
  }
  const [NZ, NY, NX] = plan.shape;
  const [sx, sy, sz] = step as [number, number, number];
  const out = new (src.constructor as { new (length: number): T })(src.length);
  for (let c = 0; c < channels; c++) {
    const inOff = c * n + base;
    let o = c * n;
    for (let z = 0; z < NZ; z++) {
      for (let y = 0; y < NY; y++) {
        let i = inOff + z * sz + y * sy;
        for (let x = 0; x < NX; x++, i += sx) out[o++] = src[i]!;
      }
    }
  }
  return out;
}
