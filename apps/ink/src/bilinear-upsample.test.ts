import { describe, expect, it } from 'vitest';
import { axisResample, resizeBilinear } from './bilinear-upsample';

/** Resizes a row vector (1 × n) to (1 × m) with the module's functions. */
function resize1D(values: number[], m: number): number[] {
  const src = Float32Array.from(values);
  const out = new Float32Array(m);
  resizeBilinear(src, 0, axisResample(1, 1), axisResample(values.length, m), new Float32Array(m), out);
  return Array.from(out);
}

describe('bilinear resize (PyTorch, align_corners=False)', () => {
  it('matches torch.nn.functional.interpolate on known vectors', () => {
    // interpolate([[0, 1]], size=4, mode='linear', align_corners=False) = [0, 0.25, 0.75, 1]
    expect(resize1D([0, 1], 4)).toEqual([0, 0.25, 0.75, 1]);
    // [0, 1, 2, 3] → 8: [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3]
    expect(resize1D([0, 1, 2, 3], 8)).toEqual([0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3]);
  });

  it('scales 16 → 64 with the source index formula max(0, (d + 0.5)/4 − 0.5)', () => {
    const r = axisResample(16, 64);
    for (let d = 0; d < 64; d++) {
      const src = Math.max(0, (d + 0.5) / 4 - 0.5);
      const i0 = Math.min(Math.floor(src), 15);
      expect([r.i0[d], r.i1[d], r.lambda[d]]).toEqual([i0, Math.min(i0 + 1, 15), src - i0]);
    }
  });

  it('is separable: a plane that is a product of two ramps resizes to the product of the resized ramps', () => {
    const h = 4;
    const w = 3;
    const a = [1, 2, 4, 8];
    const b = [1, 3, 9];
    const plane = new Float32Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) plane[y * w + x] = a[y]! * b[x]!;
    const out = new Float32Array(8 * 6);
    // Offset into a larger buffer, as for the tiles of a batch.
    const batch = new Float32Array(2 * h * w);
    batch.set(plane, h * w);
    resizeBilinear(batch, h * w, axisResample(h, 8), axisResample(w, 6), new Float32Array(h * 6), out);
    const ay = resize1D(a, 8);
    const bx = resize1D(b, 6);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 6; x++) expect(out[y * 6 + x]).toBeCloseTo(ay[y]! * bx[x]!, 5);
  });

  it('is the identity when sizes match', () => {
    expect(resize1D([5, -1, 2], 3)).toEqual([5, -1, 2]);
  });
});
