/**
 * Base class of every error this package throws, so callers can catch them all with one
 * `instanceof NormalizationError`.
 */
export class NormalizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A normalization scheme name is not one of {@link NORMALIZATION_SCHEMES}. */
export class UnknownNormalizationSchemeError extends NormalizationError {}

/** A scheme needs values (intensity statistics, window level/width) that neither the card nor the flags gave. */
export class MissingNormalizationParameterError extends NormalizationError {}

/** Intensity statistics JSON has none of the known shapes, or a value is missing or not a finite number. */
export class InvalidIntensityPropertiesError extends NormalizationError {}

/** A parameter is out of range (negative std, width ≤ 0, clip value ≤ 0, …). */
export class InvalidNormalizationParameterError extends NormalizationError {}

/** Input data contains NaN or ±Infinity, which every scheme would spread through the patch. */
export class NonFiniteInputError extends NormalizationError {}
