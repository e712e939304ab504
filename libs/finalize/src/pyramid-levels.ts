/**
 * How many pyramid levels, and their shapes: each level halves every spatial side (rounding up),
 * and levels are added until the smallest spatial side of the last level is under one chunk
 * (some side s_a < chunk_a), or every side is 1. A volume already under one chunk has level 0 only.
 */

/** Upper bound on levels, whatever the shape (2^40 voxels per side is far beyond any volume). */
export const MAX_PYRAMID_LEVELS = 40;

/**
 * Spatial shapes of levels 0, 1, … for a level-0 `shape` (z, y, x) and `chunkShape` (cz, cy, cx);
 * `levels`, when given, forces the count (≥ 1).
 */
export function pyramidLevelShapes(shape: readonly number[], chunkShape: readonly number[], levels?: number): number[][] {
  if (shape.length !== chunkShape.length) throw new RangeError(`pyramidLevelShapes: shape (${shape.join(', ')}) and chunks (${chunkShape.join(', ')}) differ in rank`);
  const out: number[][] = [[...shape]];
  if (levels !== undefined) {
    if (!Number.isInteger(levels) || levels < 1 || levels > MAX_PYRAMID_LEVELS) {
      throw new RangeError(`pyramid levels ${levels} must be an integer from 1 to ${MAX_PYRAMID_LEVELS}`);
    }
    while (out.length < levels) out.push(out[out.length - 1]!.map((s) => Math.ceil(s / 2)));
    return out;
  }
  for (;;) {
    const last = out[out.length - 1]!;
    const underOneChunk = last.some((s, a) => s < chunkShape[a]!);
    const allOnes = last.every((s) => s === 1);
    if (underOneChunk || allOnes || out.length >= MAX_PYRAMID_LEVELS) return out;
    out.push(last.map((s) => Math.ceil(s / 2)));
  }
}
