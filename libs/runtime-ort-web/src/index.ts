/**
 * @packageDocumentation ONNX Runtime Web (WebAssembly) implementation of the inference ModelBackend: a
 * second backend beside runtime-onnx, plugged in without a change to the engine. Model metadata, cards,
 * error classes and the contract test suite are runtime-onnx's, shared rather than copied.
 */
/** The npm name of this package, for logs and run records. */
export const PACKAGE_NAME = '@voxelflow/runtime-ort-web';

// The backend
export { OrtWebBackend, createOrtWebBackend, type OrtWebBackendOptions } from './ort-web-backend';

// The process-wide WebAssembly runtime (threads, file locations)
export { prepareWasmRuntime, startedThreads, ortWebDistUrl, ORT_WEB_VERSION } from './wasm-runtime';

// Devices and batches
export { checkOrtWebDevice, ORT_WEB_DEVICE_FORMS } from './device';

// Errors: this backend's own, and runtime-onnx's that it raises (same classes, so `instanceof` works across both)
export { ThreadCountFixedError } from './errors';
export {
  DeviceUnavailableError,
  InvalidDeviceError,
  UnsupportedModelError,
  OnnxParseError,
  TensorMismatchError,
  BackendDisposedError,
} from '@voxelflow/runtime-onnx';
