/** Every test model, in the order they are written. */
import { buildAnalytic3d } from './analytic3d';
import { buildAnalytic3dFp16 } from './analytic3d-fp16';
import { buildInk25d } from './ink25d';
import { buildMulticlass3d } from './multiclass3d';
import type { TestModel } from './test-model';
import { buildUnet3dTiny } from './unet3d-tiny';

/** Builds all five test models; `particleNames` label multiclass3d's classes 1..3. */
export function buildAllModels(particleNames: readonly string[]): TestModel[] {
  return [buildAnalytic3d(), buildUnet3dTiny(), buildMulticlass3d(particleNames), buildInk25d(), buildAnalytic3dFp16()];
}
