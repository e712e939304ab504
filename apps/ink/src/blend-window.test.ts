import { describe, expect, it } from 'vitest';
import { blendWeights2D, borderSafeHann } from './blend-window';

describe('borderSafeHann', () => {
  it('is numpy.hanning(T + 2) without its two zero endpoints', () => {
    // np.hanning(M)[n] = 0.5 − 0.5·cos(2πn / (M − 1))
    for (const T of [1, 3, 16, 64]) {
      const hanning = Array.from({ length: T + 2 }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (T + 1)));
      const w = Array.from(borderSafeHann(T));
      hanning.slice(1, -1).forEach((v, i) => expect(w[i]).toBeCloseTo(v, 14));
    }
    expect(Array.from(borderSafeHann(3))).toEqual([expect.closeTo(0.5, 15), 1, expect.closeTo(0.5, 15)]);
  });

  it('never reaches zero and is symmetric', () => {
    const w = borderSafeHann(64);
    expect(Math.min(...w)).toBeCloseTo(Math.sin(Math.PI / 65) ** 2, 15);
    expect(Math.min(...w)).toBeGreaterThan(0.002);
    for (let n = 0; n < 64; n++) expect(w[n]).toBe(w[63 - n]);
  });

  it('makes 2D weights whose corners stay positive in float32', () => {
    const w2 = blendWeights2D(64);
    const w = borderSafeHann(64);
    expect(w2[0]).toBeCloseTo(w[0]! * w[0]!, 9);
    expect(w2[0]).toBeGreaterThan(5e-6);
    expect(w2[32 * 64 + 32]).toBeCloseTo(w[32]! * w[32]!, 6);
    expect(w2.every((v) => v > 0)).toBe(true);
  });
});
