/**
 * Errors the engine raises for bad input. Each message is one line that names the file or value at
 * fault and says what to do; the CLIs print `message` and exit non-zero.
 */
export class InferenceError extends Error {
  override name = 'InferenceError';
}

/** The model file or directory cannot be found, read or understood. */
export class ModelLoadError extends InferenceError {
  override name = 'ModelLoadError';
}

/** Model and volume do not fit together (channels, patch size, layout). */
export class ModelMismatchError extends InferenceError {
  override name = 'ModelMismatchError';
}

/** An option is invalid or missing (unknown normalization, ct without statistics, bad bbox…). */
export class InvalidOptionError extends InferenceError {
  override name = 'InvalidOptionError';
}

/** An existing output was made with a different configuration; rerun with overwrite to replace it. */
export class OutputConflictError extends InferenceError {
  override name = 'OutputConflictError';
}

/** The run was cancelled through its AbortSignal. */
export class AbortedError extends InferenceError {
  override name = 'AbortError';
}
