import { describe, expect, it } from 'vitest';
import { InvalidNormalizationParameterError, normalizeInPlace, type NormalizationParams } from '../src';

function run(values: number[], params: NormalizationParams, channels?: number): number[] {
  const data = Float32Array.from(values);
  normalizeInPlace(data, params, channels === undefined ? {} : { channels });
  return [...data];
}

function expectClose(actual: number[], expected: number[], digits = 6): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i]!, digits));
}

// (x − 2.5) / sqrt(1.25) for x = 1..4, by hand: sqrt(1.25) = 1.1180339887.
const Z1234 = [-1.3416407865, -0.4472135955, 0.4472135955, 1.3416407865];

describe('instance_zscore', () => {
  it('uses the population std of the patch', () => {
    expectClose(run([1, 2, 3, 4], { scheme: 'instance_zscore' }), Z1234);
  });

  it('maps a constant patch to 0 (std floored at 1e-8)', () => {
    expect(run([5, 5, 5], { scheme: 'instance_zscore' })).toEqual([0, 0, 0]);
  });

  it('is stable for large offsets', () => {
    expectClose(run([1e6 + 1, 1e6 + 2, 1e6 + 3, 1e6 + 4], { scheme: 'instance_zscore' }), Z1234);
    expectClose(run([16777200, 16777201, 16777202, 16777203], { scheme: 'instance_zscore' }), Z1234);
  });

  it('computes statistics per channel', () => {
    expectClose(run([1, 2, 3, 4, 10, 10, 10, 10], { scheme: 'instance_zscore' }, 2), [...Z1234, 0, 0, 0, 0]);
    expect(() => run([1, 2, 3], { scheme: 'instance_zscore' }, 2)).toThrow(InvalidNormalizationParameterError);
  });
});

describe('fixed and min–max schemes', () => {
  it('instance_minmax scales to [0, 1], constant → 0', () => {
    expectClose(run([2, 4, 6, 5], { scheme: 'instance_minmax' }), [0, 0.5, 1, 0.75]);
    expect(run([7, 7], { scheme: 'instance_minmax' })).toEqual([0, 0]);
    expectClose(run([2, 4, 6, -1, 0, 1], { scheme: 'instance_minmax' }, 2), [0, 0.5, 1, 0, 0.5, 1]);
  });

  it('global_zscore uses the given mean and std', () => {
    expectClose(run([8, 10, 13], { scheme: 'global_zscore', mean: 10, std: 2 }), [-1, 0, 1.5]);
    expectClose(run([10, 10.5], { scheme: 'global_zscore', mean: 10, std: 0 }), [0, 0.5e8], 0);
  });

  it('ct clips to the 0.5/99.5 percentiles, then z-scores with the dataset statistics', () => {
    const intensityProperties = { mean: 100, std: 50, percentile_00_5: -50, percentile_99_5: 300 };
    expectClose(run([-1000, 0, 100, 1000, 175], { scheme: 'ct', intensityProperties }), [-3, -2, 0, 4, 1.5]);
  });

  it('window maps [L − W/2, L + W/2] to [0, 1] and clips outside', () => {
    expectClose(run([-1000, -160, 40, 240, 3000, 0], { scheme: 'window', level: 40, width: 400 }), [0, 0, 0.5, 1, 1, 0.4]);
    // Odd width: float W/2, not integer division (itk_infer's behaviour).
    expectClose(run([-2.5, 0, 2.5, -2], { scheme: 'window', level: 0, width: 5 }), [0, 0.5, 1, 0.1]);
  });

  it('window with truncateToInt16 converts like numpy astype(int16): truncate, then wrap', () => {
    const p = { scheme: 'window', level: 0, width: 100, truncateToInt16: true } as const;
    expectClose(run([10.9, -10.9, 65546, 32768], p), [0.6, 0.4, 0.6, 0]);
    expectClose(run([10.9], { scheme: 'window', level: 0, width: 100 }), [0.609]);
  });

  it('clip_scale clips to [0, c] and divides by c', () => {
    expectClose(run([-5, 0, 100, 200, 255], { scheme: 'clip_scale', clipValue: 200 }), [0, 0, 0.5, 1, 1]);
  });

  it('none leaves values alone', () => {
    expect(run([-5, 1e6], { scheme: 'none' })).toEqual([-5, 1e6]);
  });

  it('rejects invalid parameters', () => {
    expect(() => run([1], { scheme: 'window', level: 0, width: 0 })).toThrow(/window width must be positive, got 0/);
    expect(() => run([1], { scheme: 'clip_scale', clipValue: -1 })).toThrow(InvalidNormalizationParameterError);
    expect(() => run([1], { scheme: 'global_zscore', mean: Number.NaN, std: 1 })).toThrow(/mean must be a finite number/);
    expect(() => run([1], { scheme: 'bogus' } as never)).toThrow(/unknown normalization scheme 'bogus'/);
  });

  it('handles empty buffers', () => {
    expect(run([], { scheme: 'instance_zscore' })).toEqual([]);
    expect(run([], { scheme: 'instance_minmax' })).toEqual([]);
  });
});
