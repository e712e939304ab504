/** Box checks, and copies between a whole C-order array and a box of it (via the package's `copyRegion`). */
import type { Box, TypedArray } from '../types';
import { BoxOutOfRangeError } from './errors';
import { copyRegion, product } from '../region-copy';

/**
 * Checks that `box` lies inside `shape` and is not empty-ranked; returns its extent per axis.
 * Throws {@link BoxOutOfRangeError} naming `url` otherwise.
 */
export function checkBox(box: Box, shape: readonly number[], url: string): number[] {
  if (box.start.length !== shape.length || box.stop.length !== shape.length) {
    throw new BoxOutOfRangeError(
      `box [${box.start}]..[${box.stop}] has rank ${box.start.length} but ${url} has shape (${shape.join(', ')}); give one start/stop per axis`,
      url,
    );
  }
  const extent: number[] = [];
  for (let a = 0; a < shape.length; a++) {
    const s = box.start[a]!;
    const e = box.stop[a]!;
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > shape[a]! || e < s) {
      throw new BoxOutOfRangeError(
        `box [${box.start}]..[${box.stop}] is outside ${url} of shape (${shape.join(', ')}) on axis ${a}; clip the box to the volume`,
        url,
      );
    }
    extent.push(e - s);
  }
  return extent;
}

/** Checks that `length` elements fill a box of `extent`; throws {@link BoxOutOfRangeError} otherwise. */
export function checkDataSize(length: number, extent: readonly number[], url: string): void {
  const n = product(extent);
  if (length !== n) {
    throw new BoxOutOfRangeError(
      `data of ${length} elements does not fill a box of extent (${extent.join(', ')}) = ${n} voxels in ${url}; pass data shaped like the box`,
      url,
    );
  }
}

/** Copies the voxels of `box` out of `whole` (C-order, `shape`) into `out` (C-order, box extent). */
export function copyBoxOut<T extends TypedArray>(whole: T, shape: readonly number[], box: Box, out: T): T {
  const extent = box.stop.map((e, a) => e - box.start[a]!);
  copyRegion(whole, shape, box.start, out, extent, extent.map(() => 0), extent);
  return out;
}

/** Copies `part` (C-order, box extent) into `box` of `whole` (C-order, `shape`). */
export function copyBoxIn<T extends TypedArray>(whole: T, shape: readonly number[], box: Box, part: T): void {
  const extent = box.stop.map((e, a) => e - box.start[a]!);
  copyRegion(part, extent, extent.map(() => 0), whole, shape, box.start, extent);
}
