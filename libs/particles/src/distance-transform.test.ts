import { describe, expect, it } from 'vitest';
import { rng } from '../test/helpers';
import { distanceTransformEDT } from './distance-transform';
import type { Shape3 } from './volume-shape';

/** O(n²) oracle: the distance to the nearest zero voxel by checking them all. */
function bruteEDT(mask: Uint8Array, shape: Shape3, spacing: [number, number, number]): Float64Array {
  const [Z, Y, X] = shape;
  const zeros: number[][] = [];
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) if (mask[(z * Y + y) * X + x] === 0) zeros.push([z, y, x]);
  const out = new Float64Array(mask.length);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        const i = (z * Y + y) * X + x;
        if (mask[i] === 0) continue;
        let best = Infinity;
        for (const [a, b, c] of zeros) best = Math.min(best, ((z - a!) * spacing[0]) ** 2 + ((y - b!) * spacing[1]) ** 2 + ((x - c!) * spacing[2]) ** 2);
        out[i] = Math.sqrt(best);
      }
  return out;
}

describe('distanceTransformEDT', () => {
  it('gives the distance to the one background voxel of a cube', () => {
    const shape: Shape3 = [3, 3, 3];
    const mask = new Uint8Array(27).fill(1);
    mask[13] = 0; // the centre
    const d = distanceTransformEDT(mask, shape);
    expect(d[13]).toBe(0);
    expect(d[0]).toBeCloseTo(Math.sqrt(3), 6); // corner
    expect(d[4]).toBe(1); // (0,1,1): face neighbour
    expect(d[1]).toBeCloseTo(Math.sqrt(2), 6); // (0,0,1): edge
  });

  it('scales each axis by its spacing', () => {
    // A line along z with background at z = 0: distances 2, 4, 6 with z spacing 2.
    const mask = Uint8Array.from([0, 1, 1, 1]);
    expect(Array.from(distanceTransformEDT(mask, [4, 1, 1], [2, 1, 1]))).toEqual([0, 2, 4, 6]);
    // Background at both ends of x: 0 1 2 1 0.
    expect(Array.from(distanceTransformEDT(Uint8Array.from([0, 1, 1, 1, 0]), [1, 1, 5]))).toEqual([0, 1, 2, 1, 0]);
  });

  it('matches the brute-force distance on random masks, with and without anisotropic spacing', () => {
    const rand = rng(11);
    const shape: Shape3 = [6, 8, 10];
    for (const density of [0.6, 0.9, 0.98]) {
      const mask = Uint8Array.from({ length: 480 }, () => (rand() < density ? 1 : 0));
      mask[rand() * 480 | 0] = 0; // at least one background voxel
      for (const spacing of [[1, 1, 1], [2.5, 1, 0.5]] as [number, number, number][]) {
        const got = distanceTransformEDT(mask, shape, spacing);
        const want = bruteEDT(mask, shape, spacing);
        for (let i = 0; i < 480; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
      }
    }
  });

  it('is infinite without any background (outside the array is not background)', () => {
    const d = distanceTransformEDT(new Uint8Array(8).fill(1), [2, 2, 2]);
    expect(Array.from(d).every((v) => v === Infinity)).toBe(true);
  });
});
