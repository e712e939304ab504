/**
 * Base class of every error this package throws, so callers can catch them all with one
 * `instanceof TilingError`.
 */
export class TilingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An argument is out of range or inconsistent (negative size, overlap ≥ 1, box outside the volume…). */
export class TilingArgumentError extends TilingError {}

/**
 * A test-time augmentation that swaps axes (transposition, 90° rotation) was given a patch whose
 * swapped axes differ in extent: the transformed patch would no longer fit the model's input.
 */
export class TtaShapeError extends TilingError {}
