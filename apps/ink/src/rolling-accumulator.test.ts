import { describe, expect, it } from 'vitest';
import { RollingAccumulator } from './rolling-accumulator';

describe('RollingAccumulator', () => {
  it('hands over whole chunk rows once final and the rest at the end, each row exactly once', async () => {
    const flushed: { y0: number; y1: number; weighted: number[]; weights: number[] }[] = [];
    const acc = new RollingAccumulator({ width: 2, yStart: 3, yStop: 14, capacity: 7, flushRows: 4 }, async (y0, y1, weighted, weights) => {
      flushed.push({ y0, y1, weighted: Array.from(weighted), weights: Array.from(weights) });
    });
    // Row y gets weight 1 and value y in every column.
    const add = (from: number, to: number): void => {
      for (let y = from; y < to; y++) {
        const o = acc.rowOffset(y);
        for (let x = 0; x < 2; x++) {
          acc.weightedSum[o + x] = acc.weightedSum[o + x]! + y;
          acc.weightSum[o + x] = acc.weightSum[o + x]! + 1;
        }
      }
    };
    add(3, 10);
    await acc.release(6); // rows < 6 final: the chunk boundary at 4 → rows 3 … 4
    expect(flushed.map((f) => [f.y0, f.y1])).toEqual([[3, 4]]);
    expect(() => acc.rowOffset(3)).toThrow(RangeError);
    add(10, 11);
    await acc.release(9);
    add(11, 14);
    await acc.finish();
    expect(flushed.map((f) => [f.y0, f.y1])).toEqual([[3, 4], [4, 8], [8, 14]]);
    const rows = flushed.flatMap((f) => f.weighted.filter((_, i) => i % 2 === 0));
    expect(rows).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(flushed.flatMap((f) => f.weights)).toEqual(Array(22).fill(1));
  });

  it('does nothing for an empty band', async () => {
    let calls = 0;
    const acc = new RollingAccumulator({ width: 5, yStart: 0, yStop: 0, capacity: 10, flushRows: 4 }, async () => void calls++);
    await acc.finish();
    expect(calls).toBe(0);
  });
});
