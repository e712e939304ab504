/**
 * `--device` for onnxruntime-web. Its Node build runs the WebAssembly CPU kernels only (WebGPU and
 * WebNN need a browser's `navigator`), so every GPU name is refused with the backend that has GPUs,
 * never quietly run on the CPU.
 */
import { DeviceUnavailableError, InvalidDeviceError } from '@voxelflow/runtime-onnx';

/** The `--device` forms this backend accepts. */
export const ORT_WEB_DEVICE_FORMS: readonly string[] = ['cpu'];

// Device names a user may reasonably try: runtime-onnx's GPU forms and onnxruntime-web's browser providers.
const GPU_DEVICE = /^\s*(cuda|tensorrt|webgpu|webnn|webgl|gpu|dml|coreml|rocm)(?::(\d+))?\s*$/i;

/**
 * Checks a `--device` for the onnx-web backend: `cpu` (any case) passes. A GPU name throws
 * DeviceUnavailableError; anything else throws InvalidDeviceError.
 */
export function checkOrtWebDevice(device: string): 'cpu' {
  if (/^\s*cpu\s*$/i.test(device)) return 'cpu';
  const gpu = GPU_DEVICE.exec(device);
  if (gpu) {
    throw new DeviceUnavailableError(
      `device ${device.trim()}: onnxruntime-web runs on the CPU (WebAssembly) here; pass --device cpu, or --backend onnx for GPUs`,
      device,
      gpu[1]!.toLowerCase(),
    );
  }
  throw new InvalidDeviceError(
    `unknown device ${JSON.stringify(device)}; the onnx-web backend runs on ${ORT_WEB_DEVICE_FORMS.join(', ')} only (use --backend onnx for cuda or tensorrt)`,
  );
}
