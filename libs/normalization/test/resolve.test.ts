import { describe, expect, it } from 'vitest';
import {
  InvalidIntensityPropertiesError,
  MissingNormalizationParameterError,
  NORMALIZATION_SCHEMES,
  parseNormalizationScheme,
  readIntensityProperties,
  resolveNormalization,
  UnknownNormalizationSchemeError,
} from '../src';

const CT = { mean: 85.5, std: 120.25, percentile_00_5: -980, percentile_99_5: 1500 };

describe('parseNormalizationScheme', () => {
  it('accepts every scheme and lists them for an unknown one', () => {
    for (const s of NORMALIZATION_SCHEMES) expect(parseNormalizationScheme(` ${s} `)).toBe(s);
    expect(() => parseNormalizationScheme('zscore')).toThrow(UnknownNormalizationSchemeError);
    expect(() => parseNormalizationScheme('zscore')).toThrow(
      "unknown normalization 'zscore': use one of instance_zscore, global_zscore, instance_minmax, ct, window, clip_scale, none",
    );
  });
});

describe('readIntensityProperties', () => {
  it('reads the three JSON shapes', () => {
    expect(readIntensityProperties({ intensity_properties: { ...CT, median: 70 } })).toEqual({ ...CT, median: 70 });
    expect(readIntensityProperties({ ...CT, min: -1024, max: 3071 })).toEqual({ ...CT, min: -1024, max: 3071 });
    const plans = {
      dataset_name: 'Dataset001',
      foreground_intensity_properties_per_channel: { '0': { ...CT, median: 80, min: -1000, max: 2000 }, '1': { ...CT, mean: 1 } },
    };
    expect(readIntensityProperties(plans)).toEqual({ ...CT, median: 80, min: -1000, max: 2000 });
    expect(readIntensityProperties(plans, { channel: 1 }).mean).toBe(1);
    expect(readIntensityProperties({ foreground_intensity_properties_by_modality: { '0': CT } })).toEqual(CT);
  });

  it('says what is wrong, with the source', () => {
    expect(() => readIntensityProperties([1, 2], { source: 'stats.json' })).toThrow(/^stats.json: no intensity statistics found/);
    expect(() => readIntensityProperties({ mean: 1, std: 2, percentile_00_5: 0 }, { source: 'a.json' })).toThrow(
      "a.json: 'percentile_99_5' must be a finite number, got nothing",
    );
    expect(() => readIntensityProperties({ ...CT, std: '3' })).toThrow(InvalidIntensityPropertiesError);
    expect(() => readIntensityProperties({ ...CT, std: -1 })).toThrow(/'std' must not be negative/);
    expect(() => readIntensityProperties({ ...CT, percentile_00_5: 2000 })).toThrow(/is above percentile_99_5/);
    expect(() => readIntensityProperties({ foreground_intensity_properties_per_channel: { '0': CT } }, { channel: 2 })).toThrow(
      /has no channel "2" \(channels: 0\)/,
    );
  });
});

describe('resolveNormalization', () => {
  it("falls back to villa's default, instance_zscore", () => {
    expect(resolveNormalization()).toEqual({ scheme: 'instance_zscore' });
    expect(resolveNormalization({}, {}, 'none')).toEqual({ scheme: 'none' });
  });

  it('takes the card, and lets each flag override one field', () => {
    expect(resolveNormalization({ normalization: 'ct', intensityProperties: CT })).toEqual({ scheme: 'ct', intensityProperties: CT });
    const other = { ...CT, mean: 0 };
    expect(resolveNormalization({ normalization: 'ct', intensityProperties: CT }, { intensityProperties: other })).toEqual({
      scheme: 'ct',
      intensityProperties: other,
    });
    expect(resolveNormalization({ normalization: 'ct', intensityProperties: CT }, { normalization: 'instance_minmax' })).toEqual({
      scheme: 'instance_minmax',
    });
    expect(resolveNormalization({ intensityProperties: CT }, { normalization: 'ct' })).toEqual({ scheme: 'ct', intensityProperties: CT });
  });

  it('errors when ct lacks statistics', () => {
    expect(() => resolveNormalization({}, { normalization: 'ct' })).toThrow(MissingNormalizationParameterError);
    expect(() => resolveNormalization({ normalization: 'ct' })).toThrow(
      'ct normalization needs intensity statistics: pass --intensity-properties-json FILE or use a model card/nnU-Net plans that has them',
    );
  });

  it('global_zscore prefers an explicit mean/std, then statistics', () => {
    expect(resolveNormalization({ normalization: 'global_zscore', intensityProperties: CT })).toEqual({
      scheme: 'global_zscore',
      mean: 85.5,
      std: 120.25,
    });
    expect(resolveNormalization({ normalization: 'global_zscore', intensityProperties: CT }, { globalMean: 3, globalStd: 4 })).toEqual({
      scheme: 'global_zscore',
      mean: 3,
      std: 4,
    });
    expect(() => resolveNormalization({ normalization: 'global_zscore' })).toThrow(/global_zscore normalization needs a mean and std/);
  });

  it('window needs level and width; clip_scale defaults to 200', () => {
    expect(resolveNormalization({ normalization: 'window', windowLevel: 40, windowWidth: 400 }, { windowWidth: 350 })).toEqual({
      scheme: 'window',
      level: 40,
      width: 350,
    });
    expect(() => resolveNormalization({ normalization: 'window', windowLevel: 40 })).toThrow(
      'window normalization needs a level and width: pass --wl and --ww or use a model card with window_level/window_width',
    );
    expect(resolveNormalization({ normalization: 'clip_scale' })).toEqual({ scheme: 'clip_scale', clipValue: 200 });
    expect(resolveNormalization({ normalization: 'clip_scale' }, { clipValue: 255 })).toEqual({ scheme: 'clip_scale', clipValue: 255 });
  });

  it('rejects unknown names from a card or flag', () => {
    expect(() => resolveNormalization({ normalization: 'percentile' })).toThrow(UnknownNormalizationSchemeError);
  });
});
