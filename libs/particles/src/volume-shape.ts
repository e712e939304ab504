/** The (z, y, x) shape of the dense volumes the localization algorithms work on. */
import { ParticlesArgumentError } from './errors';

/** A 3D shape in array order: (z, y, x), x fastest. */
export type Shape3 = readonly [number, number, number];

/** Throws {@link ParticlesArgumentError} unless `shape` is three non-negative integers whose product is `length`. */
export function checkShape(shape: Shape3, length: number, what: string): number {
  if (shape.length !== 3 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new ParticlesArgumentError(`${what}: shape ${JSON.stringify(shape)} must be three non-negative integers (z, y, x)`);
  }
  const n = shape[0] * shape[1] * shape[2];
  if (n !== length) throw new ParticlesArgumentError(`${what}: ${length} values do not fill the shape ${shape.join('×')} (${n} voxels)`);
  return n;
}
