import { describe, expect, it } from 'vitest';
import { rng } from '../test/helpers';
import { maximumFilter } from './maximum-filter';
import type { Shape3 } from './volume-shape';

/** scipy 'reflect' (half-sample symmetric) index, period 2n. */
function reflect(j: number, n: number): number {
  const m = ((j % (2 * n)) + 2 * n) % (2 * n);
  return m < n ? m : 2 * n - 1 - m;
}

/** Oracle: the max over the whole window of every voxel, window offsets −⌊s/2⌋ … s−1−⌊s/2⌋. */
function bruteMax(data: Float32Array, shape: Shape3, s: number): Float32Array {
  const [Z, Y, X] = shape;
  const a = Math.floor(s / 2);
  const out = new Float32Array(data.length);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        let m = -Infinity;
        for (let dz = -a; dz < s - a; dz++)
          for (let dy = -a; dy < s - a; dy++)
            for (let dx = -a; dx < s - a; dx++) {
              m = Math.max(m, data[(reflect(z + dz, Z) * Y + reflect(y + dy, Y)) * X + reflect(x + dx, X)]!);
            }
        out[(z * Y + y) * X + x] = m;
      }
  return out;
}

describe('maximumFilter', () => {
  it('places an even window at offsets −s/2 … s/2 − 1 (scipy origin 0)', () => {
    // One spike at x = 10 of 20; size 4 covers outputs 9..12 (verified against scipy.ndimage).
    const data = new Float32Array(20);
    data[10] = 1;
    const out = maximumFilter(data, [1, 1, 20], [1, 1, 4]);
    expect(Array.from(out).flatMap((v, i) => (v === 1 ? [i] : []))).toEqual([9, 10, 11, 12]);
    const odd = maximumFilter(data, [1, 1, 20], [1, 1, 5]);
    expect(Array.from(odd).flatMap((v, i) => (v === 1 ? [i] : []))).toEqual([8, 9, 10, 11, 12]);
  });

  it('reflects at the borders, also when the window is longer than the line', () => {
    // scipy: maximum_filter([4,3,2,1,0], size=10) = all 4.
    expect(Array.from(maximumFilter(Float32Array.from([4, 3, 2, 1, 0]), [1, 1, 5], [1, 1, 10]))).toEqual([4, 4, 4, 4, 4]);
    // Near the right edge a size-3 window sees the mirrored last sample, not zero padding.
    expect(Array.from(maximumFilter(Float32Array.from([-5, -4, -3, -2, -1]), [1, 1, 5], [1, 1, 3]))).toEqual([-4, -3, -2, -1, -1]);
  });

  it('matches a whole-window oracle for cubic sizes 1–6 and 10', () => {
    const rand = rng(3);
    const shape: Shape3 = [5, 7, 9];
    const data = Float32Array.from({ length: 315 }, () => Math.round(rand() * 100) / 10);
    for (const s of [1, 2, 3, 4, 5, 6, 10]) {
      expect(Array.from(maximumFilter(data, shape, s))).toEqual(Array.from(bruteMax(data, shape, s)));
    }
  });

  it('handles constant lines (sparse maps) like any other', () => {
    const shape: Shape3 = [4, 5, 6];
    const data = new Float32Array(120).fill(2);
    data[(2 * 5 + 3) * 6 + 1] = 7; // one peak in a constant field
    for (let x = 0; x < 6; x++) data[(0 * 5 + 0) * 6 + x] = -1; // a constant row of another value
    for (const s of [2, 3, 10]) expect(Array.from(maximumFilter(data, shape, s))).toEqual(Array.from(bruteMax(data, shape, s)));
  });

  it('rejects a non-integer size', () => {
    expect(() => maximumFilter(new Float32Array(8), [2, 2, 2], 2.5)).toThrow(/positive integer/);
  });
});
