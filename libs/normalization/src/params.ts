import { InvalidNormalizationParameterError } from './errors';
import { checkIntensityProperties, type IntensityProperties } from './intensity-properties';
import type { NormalizationScheme } from './scheme';

/** `clip_scale`'s default clip value: the ink models' `clip(0, 200) / 200`. */
export const DEFAULT_CLIP_VALUE = 200;

/** Floor on the divisor of every z-score and min–max scheme, as in nnU-Net and villa. */
export const NORMALIZATION_EPS = 1e-8;

/**
 * A fully resolved normalization: the scheme and every number it needs. Plain JSON, so it can be
 * recorded as is in run metadata.
 */
export type NormalizationParams =
  /** Values pass unchanged. */
  | {
      /** No normalization. */
      scheme: 'none';
    }
  /** Per patch (and channel): (x − mean) / max(std, 1e-8), population std. */
  | {
      /** Z-score over each patch. */
      scheme: 'instance_zscore';
    }
  /** Per patch (and channel): (x − min) / max(max − min, 1e-8). */
  | {
      /** Min–max over each patch. */
      scheme: 'instance_minmax';
    }
  /** (x − mean) / max(std, 1e-8) with fixed, volume- or dataset-wide statistics. */
  | {
      /** Z-score with fixed statistics. */
      scheme: 'global_zscore';
      /** The mean subtracted. */
      mean: number;
      /** The standard deviation divided by (floored at 1e-8). */
      std: number;
    }
  /** nnU-Net CTNormalization: clip to [percentile_00_5, percentile_99_5], then (x − mean) / max(std, 1e-8). */
  | {
      /** nnU-Net's CT normalization. */
      scheme: 'ct';
      /** Foreground statistics of the training set (plans.json). */
      intensityProperties: IntensityProperties;
    }
  /**
   * itk_infer windowing: (clip(x, L − W/2, L + W/2) − (L − W/2)) / W, into [0, 1]. With
   * `truncateToInt16`, x is first converted as numpy's `astype(int16)` does (truncate, wrap), which
   * itk_infer does and which only matters for non-integer or out-of-range input.
   */
  | {
      /** Window level/width into [0, 1]. */
      scheme: 'window';
      /** Window centre L. */
      level: number;
      /** Window width W, > 0. */
      width: number;
      /** Convert x as numpy `astype(int16)` first (itk_infer). */
      truncateToInt16?: boolean;
    }
  /** Ink models: clip(x, 0, c) / c. */
  | {
      /** Clip to [0, c] and divide by c. */
      scheme: 'clip_scale';
      /** The clip value c, > 0. */
      clipValue: number;
    };

function finite(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidNormalizationParameterError(`normalization ${what} must be a finite number, got ${String(v)}`);
  }
  return v;
}

/**
 * Checks that params carry valid numbers for their scheme.
 *
 * @param params - the params to check
 * @returns the same params
 * @throws {@link InvalidNormalizationParameterError} on a non-finite value, a negative std, a
 *   non-positive window width or clip value, or an unknown scheme
 */
export function validateNormalizationParams(params: NormalizationParams): NormalizationParams {
  switch (params.scheme) {
    case 'none':
    case 'instance_zscore':
    case 'instance_minmax':
      return params;
    case 'global_zscore':
      finite('global_zscore mean', params.mean);
      if (finite('global_zscore std', params.std) < 0) {
        throw new InvalidNormalizationParameterError(`normalization global_zscore std must not be negative, got ${params.std}`);
      }
      return params;
    case 'ct':
      checkIntensityProperties(params.intensityProperties as unknown as Record<string, unknown>, 'ct normalization intensity properties');
      return params;
    case 'window':
      finite('window level', params.level);
      if (!(finite('window width', params.width) > 0)) {
        throw new InvalidNormalizationParameterError(`normalization window width must be positive, got ${params.width}`);
      }
      return params;
    case 'clip_scale':
      if (!(finite('clip_scale clip value', params.clipValue) > 0)) {
        throw new InvalidNormalizationParameterError(`normalization clip_scale clip value must be positive, got ${params.clipValue}`);
      }
      return params;
    default: {
      const scheme: NormalizationScheme | string = (params as { scheme: string }).scheme;
      throw new InvalidNormalizationParameterError(`unknown normalization scheme '${scheme}'`);
    }
  }
}
