/**
 * Typed errors of the ink container. Each message is one line that names the variable, path or value
 * at fault and says what to do; `exitCode` is 2 for configuration mistakes and 1 for failed work.
 * The wording of the three the container's users grep for ("is required", "No layers found",
 * "Channel mismatch") follows the reference container's troubleshooting section.
 */

/** Base class of every error this app raises itself (library errors pass through unchanged). */
export class InkError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A required environment variable (or its flag) is not set. */
export class MissingVariableError extends InkError {
  /** The environment variable's name, e.g. `MODEL`. */
  readonly variable: string;

  constructor(variable: string, flag: string, what: string) {
    super(`${variable} is required: set the environment variable ${variable} (or --${flag}) to ${what}`, 2);
    this.variable = variable;
  }
}

/** A variable is set to a value the app cannot use (not a number, an unknown step, START ≥ END…). */
export class InvalidVariableError extends InkError {
  /** The environment variable's name. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message, 2);
    this.variable = variable;
  }
}

/** `MODEL` is neither a key of the model table, a hub repo id, a URL nor an existing path. */
export class UnknownModelError extends InkError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The layer range does not give the number of layers the model takes. */
export class ChannelMismatchError extends InkError {
  /** Layers the run would feed (END_LAYER − START_LAYER, or the surface volume's depth). */
  readonly layers: number;
  /** Layers the model takes. */
  readonly expected: number;

  constructor(message: string, layers: number, expected: number) {
    super(message, 1);
    this.layers = layers;
    this.expected = expected;
  }
}

/** The model cannot be used by the ink pipeline (wrong rank, several classes, tile size it cannot take). */
export class UnsupportedInkModelError extends InkError {}

/** The surface-volume Zarr is missing, incomplete, or of a shape the inference step cannot read. */
export class SurfaceVolumeError extends InkError {}

/** A partition's accumulators are missing, incomplete, or from a different run than the others. */
export class PartitionError extends InkError {}
