/**
 * Thresholds are applied in logit space: p > T ⟺ logit > ln(T / (1 − T)) for the sigmoid, and
 * softmax[1] > T ⟺ l1 − l0 > ln(T / (1 − T)) for two channels. The comparison is strict, as the
 * reference's. Comparing logits avoids rounding p (p = sigmoid(d) can round to exactly T in float32
 * while d is still on one side of the cutoff).
 */
import { FinalizeOptionsError } from './errors';

/** Cutoff used by `threshold: true` (the CLI's `--threshold` without a value). */
export const DEFAULT_THRESHOLD = 0.5;

/** The logit cutoff ln(T / (1 − T)) of probability cutoff `t` ∈ (0, 1); 0 for 0.5. */
export function thresholdLogit(t: number): number {
  if (!(t > 0 && t < 1)) throw new FinalizeOptionsError(`threshold ${t} is outside (0, 1); pass a probability strictly between 0 and 1`);
  return Math.log(t / (1 - t));
}

/**
 * The probability cutoff of a `threshold` option: `true` → 0.5, a number T ∈ (0, 1) → T,
 * `false`/`undefined` → null (no threshold). Throws FinalizeOptionsError for other values.
 */
export function resolveThreshold(threshold: boolean | number | null | undefined): number | null {
  if (threshold === undefined || threshold === null || threshold === false) return null;
  if (threshold === true) return DEFAULT_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
    throw new FinalizeOptionsError(`threshold ${String(threshold)} is outside (0, 1); pass a probability strictly between 0 and 1 (e.g. 0.5)`);
  }
  return threshold;
}
