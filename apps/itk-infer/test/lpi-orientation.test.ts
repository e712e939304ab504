import { describe, expect, it } from 'vitest';
import type { Geometry } from '@voxelflow/volume-io';
import { lpiPlan, reorientVoxels } from '../src/lpi-orientation';
import { indexOf, random, worldOf } from './helpers';

/** All 48 signed permutation matrices (row-major), i.e. every axis-aligned orientation. */
function signedPermutations(): Geometry['direction'][] {
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const out: Geometry['direction'][] = [];
  for (const p of perms) {
    for (let signs = 0; signs < 8; signs++) {
      const d = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      // Column c (image axis c) points along physical axis p[c].
      for (let c = 0; c < 3; c++) d[p[c]! * 3 + c] = signs & (1 << c) ? -1 : 1;
      out.push(d as Geometry['direction']);
    }
  }
  return out;
}

function rotation(axis: 0 | 1 | 2, degrees: number): number[] {
  const c = Math.cos((degrees * Math.PI) / 180);
  const s = Math.sin((degrees * Math.PI) / 180);
  const [i, j] = [0, 1, 2].filter((a) => a !== axis) as [number, number];
  const m = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  m[i * 3 + i] = c;
  m[i * 3 + j] = -s;
  m[j * 3 + i] = s;
  m[j * 3 + j] = c;
  return m;
}

function matmul(a: readonly number[], b: readonly number[]): Geometry['direction'] {
  const out = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += a[r * 3 + k]! * b[k * 3 + c]!;
  return out as Geometry['direction'];
}

/** Checks that every reoriented voxel holds the input value at the same physical position. */
function checkSamePositions(shape: [number, number, number], g: Geometry, channels = 1): void {
  const n = shape[0] * shape[1] * shape[2];
  const src = new Float32Array(n * channels).map((_, i) => i);
  const plan = lpiPlan(shape, g);
  const out = reorientVoxels(src, shape, plan, channels);
  const [Z, Y, X] = plan.shape;
  expect(Z * Y * X).toBe(n);
  let bad = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const [iz, iy, ix] = indexOf(g, worldOf(plan.geometry, z, y, x)).map((v) => Math.round(v * 1e6) / 1e6) as [number, number, number];
        const inIndex = (iz * shape[1] + iy) * shape[2] + ix;
        for (let c = 0; c < channels; c++) {
          if (out[c * n + (z * Y + y) * X + x] !== src[c * n + inIndex]) bad++;
        }
      }
    }
  }
  expect(bad).toBe(0);
  // LPI: column a is dominated by physical axis a, positive for x and y, negative for z.
  for (let a = 0; a < 3; a++) {
    const col = [0, 1, 2].map((r) => plan.geometry.direction[r * 3 + a]!);
    const mags = col.map(Math.abs);
    expect(mags.indexOf(Math.max(...mags))).toBe(a);
    expect(Math.sign(col[a]!)).toBe(a === 2 ? -1 : 1);
  }
}

describe('lpiPlan / reorientVoxels', () => {
  it('leaves an LPI image alone', () => {
    const g: Geometry = { spacing: [0.8, 0.8, 2], origin: [-31.5, 12.25, 61], direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] };
    const plan = lpiPlan([40, 64, 80], g);
    expect(plan.identity).toBe(true);
    expect(plan.shape).toEqual([40, 64, 80]);
    expect(plan.geometry).toEqual(g);
    const data = new Uint8Array([1, 2, 3]);
    expect(reorientVoxels(data, [1, 1, 3], lpiPlan([1, 1, 3], g))).toBe(data);
  });

  it('flips z of an identity-direction (LPS) image, moving the origin to its last slice', () => {
    const g: Geometry = { spacing: [1, 2, 3], origin: [10, 20, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const plan = lpiPlan([4, 2, 2], g);
    expect(plan.flip).toEqual([false, false, true]);
    expect(plan.geometry.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, -1]);
    expect(plan.geometry.origin).toEqual([10, 20, 30 + 3 * 3]);
    // Slices come out in reverse order.
    const src = Uint16Array.from({ length: 16 }, (_, i) => i);
    expect(Array.from(reorientVoxels(src, [4, 2, 2], plan))).toEqual([12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]);
  });

  it('keeps every voxel at its physical position for all 48 axis-aligned orientations', () => {
    const r = random(11);
    for (const direction of signedPermutations()) {
      const shape: [number, number, number] = [2 + Math.floor(r() * 4), 2 + Math.floor(r() * 4), 2 + Math.floor(r() * 4)];
      const g: Geometry = { spacing: [0.5 + r(), 0.5 + r(), 0.5 + r()], origin: [r() * 100 - 50, r() * 100 - 50, r() * 100 - 50], direction };
      checkSamePositions(shape, g);
    }
  });

  it('handles oblique directions (nearest permutation, obliqueness kept) and stacked channels', () => {
    const flipY = [1, 0, 0, 0, -1, 0, 0, 0, 1];
    checkSamePositions([3, 5, 4], { spacing: [1.1, 0.6, 2.5], origin: [-5, 7.5, -12], direction: matmul(rotation(2, 20), flipY) });
    checkSamePositions([4, 3, 5], { spacing: [1, 1, 1], origin: [0, 0, 0], direction: matmul(rotation(0, 35), [0, 0, 1, 1, 0, 0, 0, 1, 0]) }, 3);
    checkSamePositions([2, 3, 4], { spacing: [1, 2, 1], origin: [1, 2, 3], direction: matmul(rotation(1, -40), [-1, 0, 0, 0, 0, 1, 0, -1, 0]) }, 2);
  });
});
