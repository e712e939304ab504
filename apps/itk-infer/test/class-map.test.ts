import { describe, expect, it } from 'vitest';
import { argmaxLabels, meanConfidence } from '../src/class-map';
import { ImageError } from '../src/errors';

describe('argmaxLabels', () => {
  it('takes the largest logit per voxel; ties go to the lowest class', () => {
    // 3 classes × 4 voxels, channel-major.
    const logits = Float32Array.from([0, 5, 1, 2, /**/ 1, 5, 0, 2, /**/ 2, 4, 0, 2]);
    expect(Array.from(argmaxLabels(logits, 3))).toEqual([2, 0, 0, 0]);
  });

  it('refuses more classes than uint8 holds', () => {
    expect(() => argmaxLabels(new Float32Array(257), 257)).toThrow(ImageError);
  });
});

describe('meanConfidence', () => {
  it('is 0 for uniform logits and tends to 1 for one-hot ones', () => {
    expect(meanConfidence(new Float32Array(8), 2)).toBeCloseTo(0, 7);
    expect(meanConfidence(Float32Array.from([40, 0, 0, 0, 0, 40]), 3)).toBeGreaterThan(0.9999);
  });

  it('matches a hand computation: logits (0, ln 3) give p = (1/4, 3/4)', () => {
    const h = -(0.25 * Math.log(0.25 + 1e-8) + 0.75 * Math.log(0.75 + 1e-8));
    const one = 1 - h / Math.log(2);
    // Two voxels: the first as above, the second uniform (confidence 0): the mean is one / 2.
    expect(meanConfidence(Float32Array.from([0, 0, Math.log(3), 0]), 2)).toBeCloseTo(one / 2, 6);
  });

  it('needs at least two classes', () => {
    expect(() => meanConfidence(new Float32Array(4), 1)).toThrow(/at least 2 classes/);
  });
});
