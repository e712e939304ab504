import { describe, expect, it } from 'vitest';
import { rowBandForPart, tileGrid2D, tileRangeForPart, tileStarts, TilingArgumentError } from '../src';

/** The container's rule, as in its Python: range(0, max(1, L − tile + 1), stride) + [L − tile] if missing. */
function containerStarts(L: number, tile: number, stride: number): number[] {
  if (L < tile) return [0];
  const out: number[] = [];
  for (let s = 0; s < Math.max(1, L - tile + 1); s += stride) out.push(s);
  if (!out.includes(L - tile)) out.push(L - tile);
  return out;
}

describe('tileStarts', () => {
  it('steps by stride and aligns the last tile to the end', () => {
    expect(tileStarts(100, 64, 32)).toEqual([0, 32, 36]);
    expect(tileStarts(128, 64, 32)).toEqual([0, 32, 64]);
    expect(tileStarts(64, 64, 32)).toEqual([0]);
    expect(tileStarts(50, 64, 32)).toEqual([0]);
    for (let L = 1; L < 300; L += 7) for (const [t, s] of [[64, 32], [256, 128], [64, 64], [20, 7]] as const) {
      expect(tileStarts(L, t, s)).toEqual(containerStarts(L, t, s));
    }
  });

  it('rejects a zero stride', () => {
    expect(() => tileStarts(100, 64, 0)).toThrow(TilingArgumentError);
  });
});

describe('parts of a tile grid', () => {
  const grid = tileGrid2D(1000, 700, 64, 32);

  it('row bands cover every row once and are balanced', () => {
    expect(grid.ys).toHaveLength(31);
    expect(grid.count).toBe(31 * grid.xs.length);
    for (let n = 1; n <= 6; n++) {
      let next = 0;
      for (let id = 0; id < n; id++) {
        const b = rowBandForPart(n, id, grid);
        expect(b.rowStart).toBe(next);
        next = b.rowStop;
        expect(b.rowStop - b.rowStart).toBeGreaterThanOrEqual(Math.floor(31 / n));
        expect(b.rowStop - b.rowStart).toBeLessThanOrEqual(Math.ceil(31 / n));
        expect(b.yStart).toBe(grid.ys[b.rowStart]);
        expect(b.yStop).toBe(Math.min(1000, grid.ys[b.rowStop - 1]! + 64));
      }
      expect(next).toBe(31);
    }
    expect(rowBandForPart(40, 39, grid)).toEqual({ rowStart: 30, rowStop: 31, yStart: 936, yStop: 1000 });
    expect(rowBandForPart(40, 0, grid)).toEqual({ rowStart: 0, rowStop: 0, yStart: 0, yStop: 0 });
  });

  it("reproduces the container's ceil-sized tile ranges", () => {
    expect([0, 1, 2].map((id) => tileRangeForPart(3, id, 10))).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(tileRangeForPart(4, 3, 6)).toEqual([6, 6]);
  });
});
