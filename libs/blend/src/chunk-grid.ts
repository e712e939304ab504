/**
 * The output chunk grid: which chunks a box touches, each chunk's box, and how many patches of a
 * cartesian patch set touch each chunk (the completion count).
 */

/** Number of chunks along each axis. */
export function chunkCounts(shape: readonly number[], chunkShape: readonly number[]): number[] {
  return shape.map((d, a) => Math.ceil(d / chunkShape[a]!));
}

/** Row-major linear index of a chunk. */
export function chunkLinearIndex(index: readonly number[], counts: readonly number[]): number {
  let i = 0;
  for (let a = 0; a < counts.length; a++) i = i * counts[a]! + index[a]!;
  return i;
}

/** The voxel box [start, stop) of chunk `index`, clipped to the volume. */
export function chunkBox(
  index: readonly number[],
  shape: readonly number[],
  chunkShape: readonly number[],
): {
  /** First voxel of the chunk. */
  start: number[];
  /** One past its last voxel (exclusive), clipped to the volume. */
  stop: number[];
} {
  const start = index.map((c, a) => c * chunkShape[a]!);
  const stop = start.map((s, a) => Math.min(s + chunkShape[a]!, shape[a]!));
  return { start, stop };
}

/** Per axis, the range [first, last] of chunk indices that the box [start, start+size) ∩ volume touches; null if none. */
export function touchedChunkRange(
  start: readonly number[],
  size: readonly number[],
  shape: readonly number[],
  chunkShape: readonly number[],
): [number, number][] | null {
  const out: [number, number][] = [];
  for (let a = 0; a < shape.length; a++) {
    const lo = Math.max(0, start[a]!);
    const hi = Math.min(shape[a]!, start[a]! + size[a]!);
    if (hi <= lo) return null;
    out.push([Math.floor(lo / chunkShape[a]!), Math.floor((hi - 1) / chunkShape[a]!)]);
  }
  return out;
}

/** Calls `fn` for every chunk index in the per-axis inclusive ranges, row-major. */
export function forEachChunk(ranges: readonly [number, number][], fn: (index: number[]) => void): void {
  const idx = ranges.map((r) => r[0]);
  if (ranges.some((r) => r[1] < r[0])) return;
  for (;;) {
    fn(idx.slice());
    let a = ranges.length - 1;
    while (a >= 0) {
      idx[a]!++;
      if (idx[a]! <= ranges[a]![1]) break;
      idx[a] = ranges[a]![0];
      a--;
    }
    if (a < 0) return;
  }
}

/**
 * For a cartesian patch set (per-axis `positions`, each patch `patchSize` long), how many patches touch
 * each chunk along each axis. The number touching chunk (i, j, k) is the product of the three counts.
 */
export function patchesPerChunkAxis(
  positions: readonly (readonly number[])[],
  patchSize: readonly number[],
  shape: readonly number[],
  chunkShape: readonly number[],
): Int32Array[] {
  return shape.map((d, a) => {
    const n = Math.ceil(d / chunkShape[a]!);
    const counts = new Int32Array(n);
    for (const p of positions[a]!) {
      const lo = Math.max(0, p);
      const hi = Math.min(d, p + patchSize[a]!);
      if (hi <= lo) continue;
      const c1 = Math.floor((hi - 1) / chunkShape[a]!);
      for (let c = Math.floor(lo / chunkShape[a]!); c <= c1; c++) counts[c]!++;
    }
    return counts;
  });
}
