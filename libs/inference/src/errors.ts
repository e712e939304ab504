/**
 * Errors the engine raises for bad input. Each message is one line that names the file or value at
 * fault and says what to do; the CLIs print `message` and exit non-zero.
 */
export class InferenceError extends Error {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'InferenceError';
}

/** The model file or directory cannot be found, read or understood. */
export class ModelLoadError extends InferenceError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'ModelLoadError';
}

/** Model and volume do not fit together (channels, patch size, layout). */
export class ModelMismatchError extends InferenceError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'ModelMismatchError';
}

/** An option is invalid or missing (unknown normalization, ct without statistics, bad bbox…). */
export class InvalidOptionError extends InferenceError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'InvalidOptionError';
}

/** An existing output was made with a different configuration; rerun with overwrite to replace it. */
export class OutputConflictError extends InferenceError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'OutputConflictError';
}

/** The run was cancelled through its AbortSignal. */
export class AbortedError extends InferenceError {
  /** 'AbortError', the name DOM and Node give cancellations, so generic abort checks recognise it. */
  override name = 'AbortError';
}
