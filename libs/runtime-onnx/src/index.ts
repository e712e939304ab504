/**
 * @packageDocumentation ONNX Runtime (onnxruntime-node) implementation of the inference ModelBackend;
 * model cards from ONNX metadata.
 */
/** The npm name of this package, for logs and run records. */
export const PACKAGE_NAME = '@voxelflow/runtime-onnx';

// The backend
export { OnnxBackend, createOnnxBackend, type OnnxBackendOptions, type GraphOptimizationLevel } from './onnx-backend';
export { OnnxWorkerBackend, createOnnxWorkerBackend } from './worker-backend';

// Devices and execution providers
export {
  parseDevice,
  formatDevice,
  executionProvidersFor,
  availableProviders,
  deviceHelp,
  DEVICE_FORMS,
  CUDA_PROVIDER_INSTALL_COMMAND,
  type OnnxDevice,
  type ProviderInfo,
} from './devices';

// ONNX file metadata (onnxruntime-node exposes none)
export { readOnnxMetadata, type OnnxMetadata } from './onnx-metadata';
export {
  describeSession,
  describeModel,
  warmupBatch,
  checkBatch,
  runFirstOutput,
  oneLine,
  float16Bits,
  formatShape,
  type SessionLike,
  type SessionValueMetadata,
  type OrtRunnable,
  type OrtTensorLike,
  type RunContext,
  type ModelDescription,
} from './session-io';
export { cardFromShapes } from './card-from-shapes';

// Errors
export {
  DeviceUnavailableError,
  InvalidDeviceError,
  UnsupportedModelError,
  OnnxParseError,
  TensorMismatchError,
  BackendDisposedError,
} from './errors';

// Testing: the ModelBackend contract suite, reusable by any backend package
export {
  backendContract,
  type BackendContractOptions,
  type ContractTestApi,
  type MakeContractBackend,
} from './testing/backend-contract';
export {
  loadTestModel,
  testModelFacts,
  findTestData,
  TEST_MODEL_NAMES,
  type TestModelName,
  type TestModelFacts,
} from './testing/test-models';
