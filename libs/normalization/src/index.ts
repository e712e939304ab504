/**
 * @packageDocumentation
 * Intensity normalization schemes (z-score, min–max, nnU-Net CT, window, clip-scale), their
 * resolution from a model card and flags, intensity statistics JSON, streaming statistics, and the
 * non-finite input check. Pure numerics, no I/O.
 */

/** Package name, for logs and run metadata. */
export const PACKAGE_NAME = '@voxelflow/normalization';

// Errors
export {
  NormalizationError,
  UnknownNormalizationSchemeError,
  MissingNormalizationParameterError,
  InvalidIntensityPropertiesError,
  InvalidNormalizationParameterError,
  NonFiniteInputError,
} from './errors';

export type { NumericArray } from './numeric-array';

// Schemes and their parameters
export type { NormalizationScheme } from './scheme';
export { NORMALIZATION_SCHEMES, parseNormalizationScheme } from './scheme';
export type { NormalizationParams } from './params';
export { DEFAULT_CLIP_VALUE, NORMALIZATION_EPS, validateNormalizationParams } from './params';

// Choosing the parameters: model card + flags
export type { NormalizationSettings } from './resolve';
export { resolveNormalization } from './resolve';
export type { IntensityProperties, ReadIntensityPropertiesOptions } from './intensity-properties';
export { readIntensityProperties, checkIntensityProperties } from './intensity-properties';

// Applying them
export type { NormalizeOptions } from './normalize';
export { normalizeInPlace } from './normalize';

// Statistics and input checks
export type { RunningStatsJSON } from './running-stats';
export { RunningStats } from './running-stats';
export { findNonFinite, assertFinite } from './find-non-finite';
