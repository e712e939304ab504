/**
 * Errors raised by the ONNX Runtime backend. They extend the engine's error classes, so a CLI that
 * catches `InferenceError` prints their one-line message; callers can also test the specific class.
 */
import { InferenceError, InvalidOptionError, ModelLoadError, ModelMismatchError } from '@voxelflow/inference';

/**
 * The requested device cannot be used: its execution provider is not installed in onnxruntime-node,
 * or the device does not exist. Never followed by a silent CPU run.
 */
export class DeviceUnavailableError extends InferenceError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'DeviceUnavailableError';
  constructor(
    message: string,
    /** The `--device` value as given, e.g. `cuda:1`. */
    readonly device: string,
    /** ONNX Runtime's execution provider name, e.g. `cuda`. */
    readonly provider: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A `--device` string that names no device this backend knows. */
export class InvalidDeviceError extends InvalidOptionError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'InvalidDeviceError';
}

/** The model loads but cannot be driven by VoxelFlow (an input or output dtype other than float32/float16, several inputs…). */
export class UnsupportedModelError extends ModelLoadError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'UnsupportedModelError';
}

/** The bytes are not a well-formed ONNX ModelProto (truncated, or not protobuf at all). */
export class OnnxParseError extends ModelLoadError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'OnnxParseError';
}

/** A batch handed to `run` does not fit the model's input (dtype, rank, fixed dimensions, data length). */
export class TensorMismatchError extends ModelMismatchError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'TensorMismatchError';
}

/** `run` was called after `dispose`. */
export class BackendDisposedError extends InferenceError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'BackendDisposedError';
}
