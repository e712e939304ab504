import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gaussianImportanceMap, gaussianKernel1D, gaussianProfile1D, TilingArgumentError } from '../src';

// scipy.ndimage.gaussian_filter of a centred impulse, divided by its max (fixtures/make-fixtures.py).
const SCIPY = JSON.parse(readFileSync(new URL('./fixtures/gaussian.json', import.meta.url), 'utf8')) as {
  patchSize: number[];
  sigmaScale: number;
  values: number[];
}[];

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    expect(Math.abs(actual[i]! - e), `index ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(rel * Math.abs(e) + 1e-30);
  }
}

describe('gaussianKernel1D', () => {
  it("is scipy's normalized kernel: sigma 1, radius 4", () => {
    const w = gaussianKernel1D(1);
    expect(w).toHaveLength(9);
    // Hand computation: Σ = 1 + 2(e^−0.5 + e^−2 + e^−4.5 + e^−8) = 2.5066208...
    const sum = 1 + 2 * (Math.exp(-0.5) + Math.exp(-2) + Math.exp(-4.5) + Math.exp(-8));
    expect(sum).toBeCloseTo(2.5066208, 6);
    expect(w[4]).toBeCloseTo(1 / 2.5066208, 7);
    expect(w[4]).toBeCloseTo(0.398942, 5);
    expect(w[0]).toBeCloseTo(Math.exp(-8) / 2.5066208, 9);
    expect(w[3]).toBeCloseTo(0.6065306597 / 2.5066208, 8);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    // radius = int(4σ + 0.5): σ = 0.625 → 3, σ = 24 → 96.
    expect(gaussianKernel1D(0.625)).toHaveLength(7);
    expect(gaussianKernel1D(24)).toHaveLength(193);
  });

  it('rejects a non-positive sigma', () => {
    expect(() => gaussianKernel1D(0)).toThrow(TilingArgumentError);
  });
});

describe('gaussianImportanceMap', () => {
  it('matches scipy for 1-D, 2-D and 3-D patches', () => {
    for (const { patchSize, sigmaScale, values } of SCIPY) {
      const map = gaussianImportanceMap(patchSize, sigmaScale, { replaceZeros: false });
      expectClose(map, values);
    }
  });

  it('1-D values are exp(−d²/2σ²) by hand: P = 8, σ = 1', () => {
    const m = gaussianImportanceMap([8]);
    expectClose(m, [Math.exp(-8), Math.exp(-4.5), Math.exp(-2), Math.exp(-0.5), 1, Math.exp(-0.5), Math.exp(-2), Math.exp(-4.5)]);
  });

  it('has peak exactly 1 at ⌊P/2⌋, is separable, and matches villa’s 192³ edge values', () => {
    const ps = [6, 7, 4];
    const m = gaussianImportanceMap(ps);
    expect(m[(3 * 7 + 3) * 4 + 2]).toBe(1);
    expect(Math.max(...m)).toBe(1);
    const prof = ps.map((p) => {
      const g = gaussianProfile1D(p);
      const peak = g[Math.floor(p / 2)]!;
      return Array.from(g, (v) => v / peak);
    });
    for (let z = 0; z < 6; z++)
      for (let y = 0; y < 7; y++)
        for (let x = 0; x < 4; x++) {
          expect(m[(z * 7 + y) * 4 + x]).toBeCloseTo(prof[0]![z]! * prof[1]![y]! * prof[2]![x]!, 7);
        }
    const big = gaussianImportanceMap([192, 192, 192]);
    // vesuvius.md §5.1: face edge ≈ 3.35e-4 (index 0) / 3.96e-4 (index 191), corner ≈ 3.8e-11.
    const at = (z: number, y: number, x: number): number => big[(z * 192 + y) * 192 + x]!;
    expect(at(0, 96, 96)).toBeCloseTo(3.35e-4, 6);
    expect(at(191, 96, 96)).toBeCloseTo(3.96e-4, 6);
    expect(at(0, 0, 0) / 3.775134e-11).toBeCloseTo(1, 5);
    expect(Math.min(...big.subarray(0, 192 * 192))).toBeGreaterThan(0);
  });

  it('is symmetric for odd sizes and shifted half a voxel for even sizes', () => {
    const odd = gaussianImportanceMap([9]);
    for (let i = 0; i < 9; i++) expect(odd[i]).toBe(odd[8 - i]);
    const even = gaussianImportanceMap([10]);
    expect(even[5]).toBe(1);
    expect(even[4]).toBe(even[6]);
    expect(even[0]).toBeLessThan(even[9]!);
  });

  it('replaces exact zeros with the smallest non-zero value (nnU-Net) unless asked not to', () => {
    // σ = 10/16: the kernel radius 3 leaves indices 0, 1 and 9 at exactly 0.
    const raw = gaussianImportanceMap([10], 16, { replaceZeros: false });
    expect([raw[0], raw[1], raw[9]]).toEqual([0, 0, 0]);
    const m = gaussianImportanceMap([10], 16);
    expect(m[0]).toBe(raw[2]);
    expect(m[0]).toBeCloseTo(9.9295039e-6, 12);
    expect(Math.min(...m)).toBeGreaterThan(0);
  });
});
