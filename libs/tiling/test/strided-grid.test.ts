import { describe, expect, it } from 'vitest';
import { computeStridedSteps, stridedGrid, TilingArgumentError } from '../src';

/** itk_infer's slide_inference_3d for one axis, line by line: end = min(i·S + P, D), start = max(end − P, 0). */
function itkSteps(d: number, p: number, s: number): number[] {
  const n = Math.floor(Math.max(d - p + s - 1, 0) / s) + 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const end = Math.min(i * s + p, d);
    out.push(Math.max(end - p, 0));
  }
  return out;
}

describe('computeStridedSteps', () => {
  it('matches the ITKIT column of the conformance table (S = P // 2)', () => {
    const table: [number, number, number, number[]][] = [
      [110, 64, 32, [0, 32, 46]],
      [100, 64, 32, [0, 32, 36]],
      [97, 64, 32, [0, 32, 33]],
      [128, 128, 64, [0]],
      [129, 128, 64, [0, 1]],
      [193, 128, 64, [0, 64, 65]],
      [200, 128, 64, [0, 64, 72]],
      [320, 128, 64, [0, 64, 128, 192]],
      [512, 128, 64, [0, 64, 128, 192, 256, 320, 384]],
      [300, 96, 48, [0, 48, 96, 144, 192, 204]],
      [512, 192, 96, [0, 96, 192, 288, 320]],
      [7, 3, 1, [0, 1, 2, 3, 4]],
    ];
    for (const [d, p, s, want] of table) expect(computeStridedSteps(d, p, s), `${d}, ${p}, ${s}`).toEqual(want);
  });

  it('matches the MONAI overlap-0.25 column when S = int(P · 0.75)', () => {
    expect(computeStridedSteps(110, 64, 48)).toEqual([0, 46]);
    expect(computeStridedSteps(320, 128, 96)).toEqual([0, 96, 192]);
    expect(computeStridedSteps(7, 3, 2)).toEqual([0, 2, 4]);
  });

  it('equals itk_infer’s own formula over a sweep of sizes, patches and strides', () => {
    for (const p of [1, 3, 16, 17, 64]) {
      for (let s = 1; s <= p; s += Math.max(1, Math.floor(p / 5))) {
        for (let d = 1; d <= 3 * p + 5; d++) expect(computeStridedSteps(d, p, s)).toEqual(itkSteps(d, p, s));
      }
    }
  });

  it('gives one window for axes no larger than the patch', () => {
    expect(computeStridedSteps(5, 32, 16)).toEqual([0]);
    expect(computeStridedSteps(32, 32, 16)).toEqual([0]);
  });

  it('rejects invalid sizes and strides larger than the patch', () => {
    expect(() => computeStridedSteps(10, 4, 5)).toThrow(TilingArgumentError);
    expect(() => computeStridedSteps(10, 4, 0)).toThrow(/stride must be a positive integer/);
    expect(() => computeStridedSteps(0, 4, 2)).toThrow(/volume size/);
    expect(() => computeStridedSteps(10, 2.5, 1)).toThrow(/patch size/);
  });
});

describe('stridedGrid', () => {
  it('combines the axes and centre-pads axes smaller than the patch', () => {
    const g = stridedGrid([20, 100, 7], [32, 64, 4], [16, 32, 2]);
    expect(g.positions).toEqual([[-6], [0, 32, 36], [0, 2, 3]]);
    expect(g.padBefore).toEqual([6, 0, 0]);
    expect(g.padAfter).toEqual([6, 0, 0]);
    expect(g.paddedShape).toEqual([32, 100, 7]);
    expect(g.count).toBe(9);
  });

  it('puts all padding after the data with end padding', () => {
    const g = stridedGrid([21, 40], [32, 32], [16, 16], 'end');
    expect(g.positions).toEqual([[0], [0, 8]]);
    expect(g.padBefore).toEqual([0, 0]);
    expect(g.padAfter).toEqual([11, 0]);
  });

  it('rejects mismatched ranks', () => {
    expect(() => stridedGrid([10, 10], [4, 4, 4], [2, 2, 2])).toThrow(TilingArgumentError);
  });
});
