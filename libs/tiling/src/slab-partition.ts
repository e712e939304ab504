import { TilingArgumentError } from './errors';

/**
 * Splits a run of slabs into `numParts` contiguous groups with near-equal total weight.
 *
 * Boundary i is the slab edge whose prefix weight is closest to `total · i / numParts`, constrained so
 * that every group keeps at least one slab while `numParts ≤ counts.length`. With more parts than
 * slabs, part i gets slab i and the rest are empty. Deterministic: every worker computes the same
 * boundaries from the same counts.
 *
 * @param counts - weight (patch count) of each slab, in order; all > 0
 * @param numParts - number of groups, ≥ 1
 * @param partId - which group to return, in [0, numParts)
 * @returns the half-open slab range `[first, last)` of the group (empty when first === last)
 * @throws {@link TilingArgumentError} on an invalid part count or id
 */
export function slabRangeForPart(counts: readonly number[], numParts: number, partId: number): [number, number] {
  checkPart(numParts, partId);
  const m = counts.length;
  if (numParts > m) return partId < m ? [partId, partId + 1] : [m, m];
  const prefix = new Array<number>(m + 1);
  prefix[0] = 0;
  for (let j = 0; j < m; j++) prefix[j + 1] = prefix[j]! + counts[j]!;
  const total = prefix[m]!;
  let prev = 0;
  let first = 0;
  for (let i = 1; i <= partId + 1; i++) {
    let b: number;
    if (i === numParts) {
      b = m;
    } else {
      const target = (total * i) / numParts;
      const hi = m - (numParts - i);
      b = prev + 1;
      // The prefix is increasing, so |prefix − target| falls then rises: walk while it still falls.
      while (b < hi && Math.abs(prefix[b + 1]! - target) < Math.abs(prefix[b]! - target)) b++;
    }
    if (i === partId + 1) return [first, b];
    first = b;
    prev = b;
  }
  return [first, m];
}

/**
 * Validates a (numParts, partId) pair.
 *
 * @throws {@link TilingArgumentError} unless numParts is a positive integer and 0 ≤ partId < numParts
 */
export function checkPart(numParts: number, partId: number): void {
  if (!Number.isInteger(numParts) || numParts < 1) {
    throw new TilingArgumentError(`number of parts must be a positive integer, got ${numParts}`);
  }
  if (!Number.isInteger(partId) || partId < 0 || partId >= numParts) {
    throw new TilingArgumentError(`part id must be an integer in [0, ${numParts - 1}], got ${partId}`);
  }
}
