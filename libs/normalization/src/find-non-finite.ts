import { NonFiniteInputError } from './errors';
import type { NumericArray } from './numeric-array';

/**
 * Index of the first NaN or ±Infinity in a buffer.
 *
 * @param data - values to scan; integer arrays cannot hold non-finite values and return -1 at once
 * @returns the index, or -1 if every value is finite
 */
export function findNonFinite(data: NumericArray): number {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // v − v is 0 for finite v and NaN for NaN and ±Infinity.
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * Throws if a buffer holds NaN or ±Infinity — the engine refuses such input rather than spreading it
 * through every patch statistic.
 *
 * @param data - values to scan
 * @param what - what the buffer is, for the message (e.g. `input volume s3://b/v.zarr, box [0:64, …]`)
 * @param offset - added to the reported index (e.g. the flat offset of this buffer in the volume)
 * @throws {@link NonFiniteInputError} naming the value and where it is
 */
export function assertFinite(data: NumericArray, what: string, offset = 0): void {
  const i = findNonFinite(data);
  if (i >= 0) {
    throw new NonFiniteInputError(
      `${what} contains ${String(data[i])} at element ${i + offset}: non-finite input is refused; replace NaN/Infinity (e.g. with 0) before inference`,
    );
  }
}
