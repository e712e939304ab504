import { MissingNormalizationParameterError } from './errors';
import type { IntensityProperties } from './intensity-properties';
import { DEFAULT_CLIP_VALUE, validateNormalizationParams, type NormalizationParams } from './params';
import { parseNormalizationScheme, type NormalizationScheme } from './scheme';

/**
 * The normalization-related fields of a model card or of command-line overrides. Field names match
 * the engine's `ModelCard`, so a card can be passed as is.
 */
export interface NormalizationSettings {
  /** Scheme; a string is checked with {@link parseNormalizationScheme}. */
  readonly normalization?: NormalizationScheme | string;
  /** Statistics for `ct`, and the fallback mean/std for `global_zscore`. */
  readonly intensityProperties?: IntensityProperties;
  /** Mean for `global_zscore` (e.g. from {@link RunningStats} over the volume); wins over intensityProperties. */
  readonly globalMean?: number;
  /** Std for `global_zscore`; wins over intensityProperties. */
  readonly globalStd?: number;
  /** `window`: level (centre). */
  readonly windowLevel?: number;
  /** `window`: width. */
  readonly windowWidth?: number;
  /** `window`: convert input as numpy `astype(int16)` first, like itk_infer. */
  readonly truncateToInt16?: boolean;
  /** `clip_scale`: clip value c (default 200). */
  readonly clipValue?: number;
}

/**
 * Resolves the normalization to run from a model card's defaults and the user's overrides.
 *
 * Each field is taken from `overrides` if set there, else from `cardDefaults`; a scheme set by neither
 * falls back to `fallback` (villa's CLI default, `instance_zscore`). So `--normalization ct` with a
 * card that carries nnU-Net statistics uses those statistics, and `--intensity-properties-json`
 * replaces a card's statistics without changing its scheme.
 *
 * @param cardDefaults - what the model card says (ONNX metadata, sidecar, nnU-Net plans)
 * @param overrides - what the command line says
 * @param fallback - scheme when neither says (default `instance_zscore`)
 * @returns validated params, ready for {@link normalizeInPlace} and for run metadata
 * @throws {@link UnknownNormalizationSchemeError} on an unknown scheme name
 * @throws {@link MissingNormalizationParameterError} when the scheme lacks its numbers
 * @throws {@link InvalidNormalizationParameterError} or {@link InvalidIntensityPropertiesError} on bad numbers
 */
export function resolveNormalization(
  cardDefaults: NormalizationSettings = {},
  overrides: NormalizationSettings = {},
  fallback: NormalizationScheme = 'instance_zscore',
): NormalizationParams {
  const pick = <K extends keyof NormalizationSettings>(k: K): NormalizationSettings[K] =>
    overrides[k] !== undefined ? overrides[k] : cardDefaults[k];
  const name = pick('normalization');
  const scheme = name === undefined ? fallback : parseNormalizationScheme(name);
  const props = pick('intensityProperties');
  let params: NormalizationParams;
  switch (scheme) {
    case 'none':
    case 'instance_zscore':
    case 'instance_minmax':
      params = { scheme };
      break;
    case 'ct':
      if (!props) {
        throw new MissingNormalizationParameterError(
          'ct normalization needs intensity statistics: pass --intensity-properties-json FILE or use a model card/nnU-Net plans that has them',
        );
      }
      params = { scheme, intensityProperties: { ...props } };
      break;
    case 'global_zscore': {
      // An explicit mean/std from either source beats statistics, so a computed volume mean wins.
      const mean = overrides.globalMean ?? overrides.intensityProperties?.mean ?? cardDefaults.globalMean ?? cardDefaults.intensityProperties?.mean;
      const std = overrides.globalStd ?? overrides.intensityProperties?.std ?? cardDefaults.globalStd ?? cardDefaults.intensityProperties?.std;
      if (mean === undefined || std === undefined) {
        throw new MissingNormalizationParameterError(
          'global_zscore normalization needs a mean and std: pass --intensity-properties-json FILE, use a model card that has them, or compute them over the volume',
        );
      }
      params = { scheme, mean, std };
      break;
    }
    case 'window': {
      const level = pick('windowLevel');
      const width = pick('windowWidth');
      if (level === undefined || width === undefined) {
        throw new MissingNormalizationParameterError(
          'window normalization needs a level and width: pass --wl and --ww or use a model card with window_level/window_width',
        );
      }
      const truncateToInt16 = pick('truncateToInt16');
      params = truncateToInt16 === undefined ? { scheme, level, width } : { scheme, level, width, truncateToInt16 };
      break;
    }
    case 'clip_scale':
      params = { scheme, clipValue: pick('clipValue') ?? DEFAULT_CLIP_VALUE };
      break;
  }
  return validateNormalizationParams(params);
}
