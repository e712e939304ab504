import { describe, expect, it } from 'vitest';
import { rng } from '../test/helpers';
import { connectedComponents, type Connectivity } from './connected-components';
import type { Shape3 } from './volume-shape';

/** Independent oracle: breadth-first flood from each unlabelled voxel in raster order. */
function bfsLabels(mask: Uint8Array, shape: Shape3, connectivity: Connectivity): { labels: Int32Array; count: number } {
  const [Z, Y, X] = shape;
  const labels = new Int32Array(mask.length);
  const offsets: number[][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const nz = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (nz === 0 || (connectivity === 6 && nz > 1) || (connectivity === 18 && nz > 2)) continue;
        offsets.push([dz, dy, dx]);
      }
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    labels[start] = ++count;
    const queue = [start];
    while (queue.length > 0) {
      const i = queue.pop()!;
      const x = i % X;
      const y = Math.floor(i / X) % Y;
      const z = Math.floor(i / (X * Y));
      for (const [dz, dy, dx] of offsets) {
        const a = z + dz!;
        const b = y + dy!;
        const c = x + dx!;
        if (a < 0 || a >= Z || b < 0 || b >= Y || c < 0 || c >= X) continue;
        const j = (a * Y + b) * X + c;
        if (mask[j] !== 0 && labels[j] === 0) {
          labels[j] = count;
          queue.push(j);
        }
      }
    }
  }
  return { labels, count };
}

describe('connectedComponents', () => {
  it('separates diagonal neighbours by connectivity', () => {
    // Voxels (0,0,0), (0,1,1) share an edge; (1,2,2) touches (0,1,1) by a corner only.
    const shape: Shape3 = [2, 3, 3];
    const mask = new Uint8Array(18);
    mask[0] = 1; // (0,0,0)
    mask[4] = 1; // (0,1,1)
    mask[9 + 8] = 1; // (1,2,2)
    expect(connectedComponents(mask, shape, 6).count).toBe(3);
    expect(connectedComponents(mask, shape, 18).count).toBe(2);
    const c26 = connectedComponents(mask, shape, 26);
    expect(c26.count).toBe(1);
    expect([c26.labels[0], c26.labels[4], c26.labels[17]]).toEqual([1, 1, 1]);
  });

  it('numbers components by their first voxel in raster order (a U shape merges late)', () => {
    // In one plane: two prongs that only join on the last row, plus a later dot.
    const shape: Shape3 = [1, 3, 5];
    // prettier-ignore
    const mask = Uint8Array.from([
      1, 0, 1, 0, 0,
      1, 0, 1, 0, 1,
      1, 1, 1, 0, 0,
    ]);
    const { labels, count } = connectedComponents(mask, shape, 6);
    expect(count).toBe(2);
    expect(Array.from(labels)).toEqual([1, 0, 1, 0, 0, 1, 0, 1, 0, 2, 1, 1, 1, 0, 0]);
  });

  it('matches a breadth-first oracle on random masks for 6, 18 and 26', () => {
    const rand = rng(7);
    const shape: Shape3 = [7, 9, 11];
    for (const density of [0.2, 0.45, 0.7]) {
      const mask = Uint8Array.from({ length: 7 * 9 * 11 }, () => (rand() < density ? 1 : 0));
      for (const c of [6, 18, 26] as const) {
        const got = connectedComponents(mask, shape, c);
        const want = bfsLabels(mask, shape, c);
        expect(got.count).toBe(want.count);
        expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
      }
    }
  });

  it('handles an empty mask and rejects a wrong shape', () => {
    expect(connectedComponents(new Uint8Array(8), [2, 2, 2]).count).toBe(0);
    expect(() => connectedComponents(new Uint8Array(8), [2, 2, 3])).toThrow(/do not fill the shape 2×2×3/);
  });
});
