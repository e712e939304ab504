/**
 * Errors only this backend raises. Device, model and batch errors are runtime-onnx's classes
 * (DeviceUnavailableError, UnsupportedModelError, TensorMismatchError…), re-exported from this package,
 * so a caller's `instanceof` checks work whichever ONNX backend it was handed.
 */
import { InvalidOptionError } from '@voxelflow/inference';

/**
 * onnxruntime-web sizes its WebAssembly thread pool once per process, when the first session is created;
 * a later backend asked for a different count cannot have it.
 */
export class ThreadCountFixedError extends InvalidOptionError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'ThreadCountFixedError';
  constructor(
    message: string,
    /** The thread count the process's WebAssembly runtime was started with. */
    readonly fixedThreads: number,
    /** The count this backend asked for. */
    readonly requestedThreads: number,
  ) {
    super(message);
  }
}
