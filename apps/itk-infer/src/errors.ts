/**
 * The errors itk-infer reports. Each message is one line that names the file, flag or model involved
 * and what to do; `exitCode` is 2 for how the command was called, 1 for failures of the work.
 */

/** Base class: every error of this app, with the process exit code it maps to. */
export class ItkInferError extends Error {
  override name = 'ItkInferError';
  /** Exit code of the process when this error ends the run. */
  readonly exitCode: number = 1;
}

/** A flag is missing, malformed or contradicts the model (exit code 2). */
export class UsageError extends ItkInferError {
  override name = 'UsageError';
  override readonly exitCode = 2;
}

/** The input folder holds no image itk-infer reads. */
export class NoInputFilesError extends ItkInferError {
  override name = 'NoInputFilesError';
}

/** Neither --wl/--ww nor the model's metadata give the CT window (exit code 2). */
export class MissingWindowError extends UsageError {
  override name = 'MissingWindowError';
}

/** The model cannot be used by itk-infer (channels, shapes, classes). */
export class IncompatibleModelError extends ItkInferError {
  override name = 'IncompatibleModelError';
}

/** An image cannot be segmented (not 3-D, too many classes…); the other files still run. */
export class ImageError extends ItkInferError {
  override name = 'ImageError';
}

/** A worker process died or broke the message protocol. */
export class WorkerError extends ItkInferError {
  override name = 'WorkerError';
}
