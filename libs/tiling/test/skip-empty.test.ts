import { describe, expect, it } from 'vitest';
import { chunkRangeTouched, chunksTouched, isHomogeneous, PatchGrid, TilingArgumentError } from '../src';

describe('chunksTouched', () => {
  const vol = [1000, 1000, 1000];
  const chunk = [128, 128, 128];
  const p = [192, 192, 192];

  it('lists the chunk indices a patch reads, row-major', () => {
    expect(chunksTouched([0, 0, 0], p, chunk, vol)).toEqual([
      [0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1],
    ]);
    // 127..318 spans chunks 0, 1, 2: a 192³ patch touches up to 27 chunks of 128³.
    expect(chunksTouched([127, 127, 127], p, chunk, vol)).toHaveLength(27);
    expect(chunkRangeTouched([100, 256, 64], p, chunk, vol)).toEqual({ lo: [0, 2, 0], hi: [3, 4, 2] });
  });

  it('clips to the volume: padding reads nothing', () => {
    expect(chunkRangeTouched([900, 0, 0], p, chunk, vol)).toEqual({ lo: [7, 0, 0], hi: [8, 2, 2] });
    expect(chunkRangeTouched([-16, 0, 0], [64, 64, 64], [32, 32, 32], [31, 100, 100])).toEqual({ lo: [0, 0, 0], hi: [1, 2, 2] });
    expect(chunksTouched([1000, 0, 0], p, chunk, vol)).toEqual([]);
  });

  it('serves as a skip-empty prefilter on a grid', () => {
    const grid = new PatchGrid({ shape: [256, 256, 256], patchSize: [64, 64, 64], overlap: 0.5 });
    // Only chunk (1, 1, 1) of 128³ is stored.
    const stored = new Set(['1.1.1']);
    const kept = grid.all().filter((_, start) => chunksTouched(start, grid.patchSize, chunk, grid.shape).some((c) => stored.has(c.join('.'))));
    for (const { start } of kept) for (const s of start) expect(s + 64).toBeGreaterThan(128);
    expect(kept.length).toBe(4 * 4 * 4);
  });

  it('rejects mismatched ranks', () => {
    expect(() => chunksTouched([0, 0], p, chunk, vol)).toThrow(TilingArgumentError);
  });
});

describe('isHomogeneous', () => {
  it('is true when min == max, per channel', () => {
    expect(isHomogeneous(new Float32Array([3, 3, 3]))).toBe(true);
    expect(isHomogeneous(new Float32Array([3, 3, 3.0001]))).toBe(false);
    expect(isHomogeneous(new Uint8Array(0))).toBe(true);
    expect(isHomogeneous(new Uint16Array([1, 1, 2, 2]), 2)).toBe(true);
    expect(isHomogeneous(new Uint16Array([1, 1, 2, 2]))).toBe(false);
    expect(isHomogeneous(new Float32Array([1, 2, 2, 2]), 2)).toBe(false);
    expect(() => isHomogeneous(new Float32Array(3), 2)).toThrow(/3 values cannot be split into 2 channels/);
  });
});
