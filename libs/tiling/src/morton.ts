/**
 * Compares two non-negative integer coordinate vectors in Morton (Z-order), axis 0 most significant.
 *
 * Uses the "most significant differing bit" test instead of building interleaved keys, so it is exact
 * for any number of axes and any coordinate below 2^31 without BigInt.
 *
 * @param a - coordinates, stored at `a[aOffset .. aOffset + ndim)`
 * @param aOffset - offset of the first coordinate of `a`
 * @param b - coordinates, stored at `b[bOffset .. bOffset + ndim)`
 * @param bOffset - offset of the first coordinate of `b`
 * @param ndim - number of axes
 * @returns negative if a comes first, positive if b does, 0 if equal
 */
export function compareMorton(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  ndim: number,
): number {
  let axis = 0;
  let best = 0;
  for (let d = 0; d < ndim; d++) {
    const x = a[aOffset + d]! ^ b[bOffset + d]!;
    // best's highest bit is below x's highest bit iff best < x and best < (x ^ best).
    if (best < x && best < (x ^ best)) {
      axis = d;
      best = x;
    }
  }
  return a[aOffset + axis]! - b[bOffset + axis]!;
}
