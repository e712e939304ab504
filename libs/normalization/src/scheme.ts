import { UnknownNormalizationSchemeError } from './errors';

/** How input intensities are mapped into the range a model was trained on. */
export type NormalizationScheme =
  | 'none'
  | 'instance_zscore'
  | 'global_zscore'
  | 'instance_minmax'
  | 'ct'
  | 'window'
  | 'clip_scale';

/** Every {@link NormalizationScheme}, in the order help texts list them. */
export const NORMALIZATION_SCHEMES: readonly NormalizationScheme[] = [
  'instance_zscore',
  'global_zscore',
  'instance_minmax',
  'ct',
  'window',
  'clip_scale',
  'none',
];

/**
 * Checks a scheme name from a flag, a model card or a sidecar.
 *
 * @param name - the name as given; surrounding whitespace is ignored, case is not
 * @returns the scheme
 * @throws {@link UnknownNormalizationSchemeError} with a one-line message listing the valid names
 */
export function parseNormalizationScheme(name: string): NormalizationScheme {
  const n = name.trim();
  if ((NORMALIZATION_SCHEMES as readonly string[]).includes(n)) return n as NormalizationScheme;
  throw new UnknownNormalizationSchemeError(
    `unknown normalization '${name}': use one of ${NORMALIZATION_SCHEMES.join(', ')}`,
  );
}
