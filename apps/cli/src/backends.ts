/**
 * The model backends this CLI can run. `inference` defines the contract and never imports a backend;
 * the app wires them in here, so a new backend is a new package plus one line.
 */
import type { BackendFactory } from '@voxelflow/inference';
import { createOnnxBackend, createOnnxWorkerBackend } from '@voxelflow/runtime-onnx';
import { createOrtWebBackend } from '@voxelflow/runtime-ort-web';

export const BACKENDS: Readonly<Record<string, BackendFactory>> = {
  // The session runs on a worker thread so reads and writes overlap the model (ORT's run blocks its thread).
  onnx: createOnnxWorkerBackend,
  // The same runtime on the calling thread (less memory, no overlap).
  'onnx-main': createOnnxBackend,
  // onnxruntime-web's WebAssembly CPU kernels (no native binaries; --device cpu only).
  'onnx-web': createOrtWebBackend,
};

/** The factory for `--backend NAME`; throws a one-line error listing the known names. */
export function backendFactory(name = 'onnx'): BackendFactory {
  const f = BACKENDS[name];
  if (!f) throw Object.assign(new Error(`unknown --backend ${name}; use one of ${Object.keys(BACKENDS).join(', ')}`), { exitCode: 2 });
  return f;
}

/** Where part processes load each backend from (they import the module and take the named factory). */
export const BACKEND_MODULES: Readonly<Record<string, { specifier: string; exportName: string }>> = {
  onnx: { specifier: '@voxelflow/runtime-onnx', exportName: 'createOnnxBackend' },
  'onnx-main': { specifier: '@voxelflow/runtime-onnx', exportName: 'createOnnxBackend' },
  'onnx-web': { specifier: '@voxelflow/runtime-ort-web', exportName: 'createOrtWebBackend' },
};
