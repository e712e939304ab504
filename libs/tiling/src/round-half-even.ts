/**
 * Rounds to the nearest integer, ties to even — what numpy's `np.round` (C `rint`) does to a float64.
 *
 * `Math.round` rounds ties towards +∞, which disagrees with nnU-Net on every `.5` product
 * (e.g. 32.5 → 32 here, 33 with `Math.round`).
 *
 * @param x - any finite number
 * @returns the nearest integer; on an exact tie the even one
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  // x − floor(x) is exact in float64 for every |x| < 2^52, so the tie test below is exact too.
  const frac = x - floor;
  if (frac < 0.5) return floor;
  if (frac > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
