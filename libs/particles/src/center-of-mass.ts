/**
 * Per-label size and unweighted centre of mass in one pass over a label volume, as
 * `np.bincount` + `ndi.center_of_mass(labels, labels, idx)` (or skimage's `regionprops.centroid`) give them.
 */
import { ParticlesArgumentError } from './errors';
import { checkShape, type Shape3 } from './volume-shape';

/** Sizes and centres of labels 0..count. */
export interface LabelCentres {
  /** Voxel count per label (index 0 = background). */
  sizes: Float64Array;
  /** Centre (z, y, x) of label l at [3l, 3l + 1, 3l + 2], in voxel coordinates; NaN for empty labels. */
  centres: Float64Array;
}

/** Size and centre of mass of every label 1..`count` of `labels` (shape z, y, x). Labels outside 0..count are an error. */
export function centerOfMass(labels: Int32Array, shape: Shape3, count: number): LabelCentres {
  checkShape(shape, labels.length, 'centerOfMass');
  if (!Number.isInteger(count) || count < 0) throw new ParticlesArgumentError(`centerOfMass: count ${count} must be a non-negative integer`);
  const [Z, Y, X] = shape;
  const sizes = new Float64Array(count + 1);
  const sums = new Float64Array(3 * (count + 1));
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const l = labels[i]!;
        if (l === 0) {
          sizes[0]! += 1;
          continue;
        }
        if (l < 0 || l > count) throw new ParticlesArgumentError(`centerOfMass: label ${l} at voxel ${i} is outside 1..${count}`);
        sizes[l]! += 1;
        sums[3 * l]! += z;
        sums[3 * l + 1]! += y;
        sums[3 * l + 2]! += x;
      }
    }
  }
  for (let l = 0; l <= count; l++) {
    const s = sizes[l]!;
    sums[3 * l] = sums[3 * l]! / s;
    sums[3 * l + 1] = sums[3 * l + 1]! / s;
    sums[3 * l + 2] = sums[3 * l + 2]! / s;
  }
  // Background's "centre" is meaningless; keep it NaN like empty labels.
  sums[0] = sums[1] = sums[2] = NaN;
  return { sizes, centres: sums };
}
