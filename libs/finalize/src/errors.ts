/**
 * Typed errors of finalize. Every message is one line that names the path or value and says what to
 * do; callers test with `instanceof` (all extend {@link FinalizeError}).
 */

/** Base class of every error thrown by @voxelflow/finalize. */
export class FinalizeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** The input is missing, or is not blended logits ((C, Z, Y, X) float16/float32). */
export class FinalizeInputError extends FinalizeError {
  constructor(
    message: string,
    /** The input path or URL. */
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options that cannot work together or with the input (mode vs channels, threshold range, dtype…). */
export class FinalizeOptionsError extends FinalizeError {}

/**
 * The output already holds something else: a finalize output made with different options, or data
 * that is not a finalize output at all. Pass `overwrite: true` to replace it.
 */
export class FinalizeOutputExistsError extends FinalizeError {
  constructor(
    message: string,
    /** The output path or URL. */
    readonly url: string,
    /** Settings that differ (name: stored → requested); empty when the output is not ours. */
    readonly differences: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A finalize output used out of order: a chunk written twice concurrently, after `finish`, out of the grid… */
export class FinalizeStateError extends FinalizeError {}
