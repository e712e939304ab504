import { TilingArgumentError } from './errors';
import { roundHalfEven } from './round-half-even';

/**
 * How the target step is derived from the patch size.
 *
 * - `'nnunet'` — nnU-Net v2 `compute_steps_for_sliding_window`: target = P · stepFraction as a float.
 * - `'vesuvius'` — villa's copy of it: target = max(1, trunc(P · stepFraction)), and every start is
 *   additionally clamped to D − P. Differs from nnU-Net only when P · stepFraction is not an integer
 *   (odd patches, unusual overlaps); offered so runs can be diffed against villa's published outputs.
 */
export type StepRule = 'nnunet' | 'vesuvius';

/** Every {@link StepRule}, for option parsing and error messages. */
export const STEP_RULES: readonly StepRule[] = ['nnunet', 'vesuvius'];

/**
 * Converts an overlap fraction into nnU-Net's `step_size` (the step as a fraction of the patch).
 *
 * The difference `1 − overlap` is rounded to 15 significant digits, so an overlap typed as a decimal
 * gives the step a user of nnU-Net would have typed: `1 − 0.7` is 0.30000000000000004 in float64, which
 * makes `P · step` a hair larger than nnU-Net's `P · 0.3` and, for sizes where (D − P) / target is an
 * exact integer, changes the number of patches.
 *
 * @param overlap - fraction of a patch shared with its neighbour, in [0, 1)
 * @returns the step fraction in (0, 1]
 * @throws {@link TilingArgumentError} if overlap is not in [0, 1)
 */
export function stepFractionFromOverlap(overlap: number): number {
  if (!(overlap >= 0 && overlap < 1)) {
    throw new TilingArgumentError(`overlap must be in [0, 1), got ${overlap}: 0.5 means neighbouring patches share half their extent`);
  }
  return Number((1 - overlap).toPrecision(15));
}

function checkSizes(size: number, patch: number): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new TilingArgumentError(`volume size must be a positive integer, got ${size}`);
  }
  if (!Number.isInteger(patch) || patch < 1) {
    throw new TilingArgumentError(`patch size must be a positive integer, got ${patch}`);
  }
}

/**
 * Patch start positions along one axis, from a step fraction (nnU-Net's `tile_step_size`).
 *
 * `size ≤ patch` gives `[0]`: the caller pads the axis to the patch size. Otherwise
 * n = ceil((D − P) / target) + 1 starts spread evenly from 0 to D − P; start i is
 * round-half-even(((D − P) / (n − 1)) · i) computed on float64 exactly as `np.round` does, which
 * differs from exact rational rounding in about 0.1 % of shapes (e.g. D = 473, P = 40: start 11 is
 * 217, not 216).
 *
 * @param size - extent of the volume along the axis (voxels)
 * @param patch - extent of the patch along the axis (voxels)
 * @param stepFraction - target step as a fraction of the patch, in (0, 1]
 * @param rule - which reference's target-step formula to follow (default nnU-Net)
 * @returns ascending start positions; the first is 0 and, when size > patch, the last is size − patch
 * @throws {@link TilingArgumentError} on non-integer or non-positive sizes or a step fraction outside (0, 1]
 */
export function computeStepsForStepFraction(
  size: number,
  patch: number,
  stepFraction: number,
  rule: StepRule = 'nnunet',
): number[] {
  checkSizes(size, patch);
  if (!(stepFraction > 0 && stepFraction <= 1)) {
    throw new TilingArgumentError(`step fraction must be in (0, 1], got ${stepFraction}`);
  }
  if (size <= patch) return [0];
  const span = size - patch;
  const target = rule === 'vesuvius' ? Math.max(1, Math.trunc(patch * stepFraction)) : patch * stepFraction;
  const n = Math.ceil(span / target) + 1;
  const actual = span / (n - 1);
  const steps = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = roundHalfEven(actual * i);
    steps[i] = rule === 'vesuvius' ? Math.min(s, span) : s;
  }
  return steps;
}

/**
 * Patch start positions along one axis, nnU-Net's rule, from an overlap fraction.
 *
 * Same as {@link computeStepsForStepFraction} with `stepFraction = stepFractionFromOverlap(overlap)`.
 * Example: `computeSteps(193, 128, 0.5)` → `[0, 32, 65]`.
 *
 * @param size - extent of the volume along the axis (voxels)
 * @param patch - extent of the patch along the axis (voxels)
 * @param overlap - fraction of a patch shared with its neighbour, in [0, 1)
 * @param rule - which reference's target-step formula to follow (default nnU-Net)
 * @throws {@link TilingArgumentError} on bad sizes or an overlap outside [0, 1)
 */
export function computeSteps(size: number, patch: number, overlap: number, rule: StepRule = 'nnunet'): number[] {
  return computeStepsForStepFraction(size, patch, stepFractionFromOverlap(overlap), rule);
}
