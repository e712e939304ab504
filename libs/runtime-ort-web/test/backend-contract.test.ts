// The engine's ModelBackend contract — the same suite runtime-onnx runs on onnxruntime-node — on this backend.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { backendContract } from '@voxelflow/runtime-onnx';
import { createOrtWebBackend } from '../src/index';

const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));

backendContract('onnxruntime-web (wasm, 1 thread)', (m) => createOrtWebBackend(m, { device: 'cpu', threads: 1 }), { describe, it }, {
  testDataDir: testData,
});
