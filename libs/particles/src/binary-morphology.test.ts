import { describe, expect, it } from 'vitest';
import { rng } from '../test/helpers';
import { binaryDilation6, binaryErosion6, binaryOpening6 } from './binary-morphology';
import type { Shape3 } from './volume-shape';

describe('binary morphology with the 6-connected cross', () => {
  const shape: Shape3 = [5, 5, 5];
  const at = (z: number, y: number, x: number): number => (z * 5 + y) * 5 + x;

  it('erodes a 3×3×3 cube to its centre, and the border counts as background', () => {
    const cube = new Uint8Array(125);
    for (let z = 1; z <= 3; z++) for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) cube[at(z, y, x)] = 1;
    const e = binaryErosion6(cube, shape);
    expect(Array.from(e).reduce((a, b) => a + b, 0)).toBe(1);
    expect(e[at(2, 2, 2)]).toBe(1);
    // A full volume loses its whole surface: only the inner 3×3×3 stays.
    const full = binaryErosion6(new Uint8Array(125).fill(1), shape);
    expect(Array.from(full).reduce((a, b) => a + b, 0)).toBe(27);
  });

  it('dilates one voxel to a cross of 7', () => {
    const dot = new Uint8Array(125);
    dot[at(2, 2, 2)] = 1;
    const d = binaryDilation6(dot, shape);
    expect(Array.from(d).reduce((a, b) => a + b, 0)).toBe(7);
    expect([d[at(1, 2, 2)], d[at(2, 1, 2)], d[at(2, 2, 3)], d[at(1, 1, 2)]]).toEqual([1, 1, 1, 0]);
  });

  it('opening removes a speck and a one-voxel spur but keeps a 3-cube with its cross-shaped core', () => {
    const m = new Uint8Array(125);
    for (let z = 1; z <= 3; z++) for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) m[at(z, y, x)] = 1;
    m[at(1, 1, 4)] = 1; // a spur sticking out of a corner
    m[at(0, 0, 0)] = 1; // a lonely speck
    const o = binaryOpening6(m, shape);
    // The erosion of the cube is its centre; dilating that gives the 7-voxel cross: corners, edges and
    // the spur go (scipy's binary_opening with generate_binary_structure(3, 1) gives the same 7).
    expect(Array.from(o).reduce((a, b) => a + b, 0)).toBe(7);
    expect([o[at(0, 0, 0)], o[at(1, 1, 4)], o[at(2, 2, 3)], o[at(1, 1, 1)]]).toEqual([0, 0, 1, 0]);
    // A spur on a face centre props that face voxel up through the erosion: two crosses, 12 voxels.
    m[at(1, 1, 4)] = 0;
    m[at(2, 2, 4)] = 1;
    expect(Array.from(binaryOpening6(m, shape)).reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('matches a voxel-by-voxel oracle on random sparse and dense masks', () => {
    const rand = rng(5);
    const sh: Shape3 = [6, 7, 9];
    const [Z, Y, X] = sh;
    const get = (m: Uint8Array, z: number, y: number, x: number): number => (z < 0 || y < 0 || x < 0 || z >= Z || y >= Y || x >= X ? 0 : m[(z * Y + y) * X + x]!);
    const nbrs = [[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
    for (const density of [0.05, 0.5, 0.9]) {
      const m = Uint8Array.from({ length: Z * Y * X }, () => (rand() < density ? 1 : 0));
      const e = binaryErosion6(m, sh);
      const d = binaryDilation6(m, sh);
      for (let z = 0; z < Z; z++)
        for (let y = 0; y < Y; y++)
          for (let x = 0; x < X; x++) {
            const vals = nbrs.map(([a, b, c]) => get(m, z + a!, y + b!, x + c!));
            expect(e[(z * Y + y) * X + x]).toBe(vals.every((v) => v !== 0) ? 1 : 0);
            expect(d[(z * Y + y) * X + x]).toBe(vals.some((v) => v !== 0) ? 1 : 0);
          }
    }
  });
});
