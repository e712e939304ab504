/** `analytic3d-fp16.onnx`: {@link buildAnalytic3d} in float16 (input, weights and output). */
import { buildAnalytic3d } from './analytic3d';
import type { TestModel } from './test-model';

/** Builds the float16 variant of analytic3d. */
export function buildAnalytic3dFp16(): TestModel {
  return buildAnalytic3d('float16');
}
