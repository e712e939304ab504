/**
 * A half-open axis-aligned box in voxel coordinates: `start[a] ≤ i[a] < stop[a]` on every axis.
 * Axis order is the array's (e.g. [z, y, x]).
 */
export interface Box {
  /** First voxel inside the box, per axis. */
  readonly start: readonly number[];
  /** First voxel past the box, per axis (exclusive). */
  readonly stop: readonly number[];
}

/**
 * Product of a shape's extents (the number of elements of a C-order array of that shape).
 *
 * @param shape - extents per axis
 * @returns the element count (1 for an empty shape)
 */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * C-order (row-major) strides of a shape, in elements.
 *
 * @param shape - extents per axis
 * @returns strides; the last is 1
 */
export function cOrderStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a]!;
  }
  return strides;
}
