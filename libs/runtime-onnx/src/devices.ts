/**
 * `--device` strings and the ONNX Runtime execution providers they select. One device maps to one
 * provider list with no CPU entry behind a GPU one: a missing GPU provider is an error, never a
 * silent CPU run.
 */
import * as ort from 'onnxruntime-node';
import { InvalidDeviceError } from './errors';

/** A parsed `--device`: the CPU, or a GPU provider and its device index. */
export type OnnxDevice =
  | {
      /** The CPU execution provider. */
      kind: 'cpu';
    }
  | {
      /** The CUDA execution provider. */
      kind: 'cuda';
      /** CUDA device index, as the process sees it (after CUDA_VISIBLE_DEVICES). */
      deviceId: number;
    }
  | {
      /** The TensorRT execution provider (CUDA as its fallback for unsupported nodes). */
      kind: 'tensorrt';
      /** CUDA device index, as the process sees it (after CUDA_VISIBLE_DEVICES). */
      deviceId: number;
    };

/** The `--device` forms this backend accepts, for help texts and error messages. */
export const DEVICE_FORMS: readonly string[] = ['cpu', 'cuda', 'cuda:N', 'tensorrt', 'tensorrt:N'];

/**
 * The shell command that adds the CUDA 12 execution provider (and the TensorRT one) to an existing
 * onnxruntime-node install; it downloads the provider libraries, so it needs network access.
 */
export const CUDA_PROVIDER_INSTALL_COMMAND =
  'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install';

/** Parses `cpu`, `cuda`, `cuda:N`, `tensorrt`, `tensorrt:N` (case-insensitive). Throws InvalidDeviceError. */
export function parseDevice(device: string): OnnxDevice {
  const m = /^\s*(cpu|cuda|tensorrt)(?::(\d+))?\s*$/i.exec(device);
  const kind = m?.[1]?.toLowerCase();
  if (!m || !kind || (kind === 'cpu' && m[2] !== undefined)) {
    throw new InvalidDeviceError(
      `unknown device ${JSON.stringify(device)}; use one of ${DEVICE_FORMS.join(', ')} (N = GPU index, e.g. cuda:1)`,
    );
  }
  if (kind === 'cpu') return { kind: 'cpu' };
  const deviceId = m[2] === undefined ? 0 : Number(m[2]);
  if (!Number.isSafeInteger(deviceId)) {
    throw new InvalidDeviceError(`device index in ${JSON.stringify(device)} is too large; use e.g. cuda:0`);
  }
  return { kind: kind === 'cuda' ? 'cuda' : 'tensorrt', deviceId };
}

/** Canonical text of a parsed device, e.g. `cuda:1`. */
export function formatDevice(d: OnnxDevice): string {
  return d.kind === 'cpu' ? 'cpu' : `${d.kind}:${d.deviceId}`;
}

/**
 * The execution-provider list for a device. TensorRT is followed by CUDA on the same GPU, which is how
 * ONNX Runtime places the nodes TensorRT cannot take; neither list ever ends in a CPU fallback
 * (ORT itself still runs the odd node a GPU provider lacks on the CPU, as it always does).
 */
export function executionProvidersFor(d: OnnxDevice): ort.InferenceSession.ExecutionProviderConfig[] {
  switch (d.kind) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return [{ name: 'cuda', deviceId: d.deviceId }];
    case 'tensorrt':
      return [
        { name: 'tensorrt', deviceId: d.deviceId },
        { name: 'cuda', deviceId: d.deviceId },
      ];
  }
}

/** One execution provider of this onnxruntime-node install. */
export interface ProviderInfo {
  /** Provider name as ONNX Runtime spells it (`cpu`, `cuda`, `tensorrt`, `webgpu`…). */
  name: string;
  /**
   * Whether the provider's libraries ship inside the npm package. `false` (cuda, tensorrt) means they
   * come from the separate install step; whether that ran is only known by creating a session.
   */
  bundled: boolean;
}

/** The execution providers this platform's onnxruntime-node build knows (its `listSupportedBackends`). */
export function availableProviders(): ProviderInfo[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

/** A one-line description of the devices for `--device` help, e.g. `cpu, cuda, cuda:N, … (bundled: cpu, webgpu)`. */
export function deviceHelp(): string {
  const providers = availableProviders();
  const bundled = providers.filter((p) => p.bundled).map((p) => p.name);
  const extra = providers.filter((p) => !p.bundled).map((p) => p.name);
  return (
    `${DEVICE_FORMS.join(', ')} (this onnxruntime-node bundles ${bundled.join(', ') || 'nothing'}` +
    (extra.length ? `; ${extra.join(' and ')} need \`${CUDA_PROVIDER_INSTALL_COMMAND}\`)` : ')')
  );
}
