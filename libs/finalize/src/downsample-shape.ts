/**
 * The shape rule shared by the 2× pyramid downsamplers: every spatial axis is halved and rounded up,
 * so an odd extent's last output voxel comes from a partial block (only the voxels present).
 */

/** Typed arrays the downsamplers read and write. */
export type NumericArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** The shape of a 2× downsampled 3D block: ceil(s / 2) per axis. */
export function downsampledShape(shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3 || shape.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(`downsample: shape (${shape.join(', ')}) must be three positive integers (z, y, x)`);
  }
  return [Math.ceil(shape[0]! / 2), Math.ceil(shape[1]! / 2), Math.ceil(shape[2]! / 2)];
}

/** Checks `src` against `shape` and returns (or allocates) an output of the downsampled size. */
export function prepareDownsample<T extends NumericArray>(name: string, src: T, shape: readonly number[], out: T | undefined): T {
  const [dz, dy, dx] = downsampledShape(shape);
  const n = shape[0]! * shape[1]! * shape[2]!;
  if (src.length !== n) throw new RangeError(`${name}: ${src.length} values for shape (${shape.join(', ')}) = ${n}`);
  const size = dz * dy * dx;
  if (!out) return new (src.constructor as new (length: number) => T)(size);
  if (out.length < size) throw new RangeError(`${name}: out holds ${out.length} values, need ${size}`);
  return out;
}

/** True for integer typed arrays (whose block means are rounded). */
export function isIntegerArray(a: NumericArray): boolean {
  return !(a instanceof Float32Array || a instanceof Float64Array);
}
