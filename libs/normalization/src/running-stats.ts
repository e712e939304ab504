import { InvalidNormalizationParameterError, NonFiniteInputError } from './errors';
import { findNonFinite } from './find-non-finite';
import type { NumericArray } from './numeric-array';

/** The JSON form of {@link RunningStats}; `min`/`max` are null while `count` is 0. */
export interface RunningStatsJSON {
  /** Number of values seen. */
  count: number;
  /** Mean of the values seen (0 while `count` is 0). */
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  /** Smallest value seen. */
  min: number | null;
  /** Largest value seen. */
  max: number | null;
}

/**
 * Streaming mean, population standard deviation, min and max, for `global_zscore` over volumes
 * larger than memory.
 *
 * Each {@link RunningStats.add} computes the block's mean and squared deviations in float64 with two
 * passes, then folds them in with Chan et al.'s parallel update, so results do not depend on how the
 * data is split and stay accurate for large offsets (e.g. values around 1e6 with unit spread).
 * Statistics from workers combine with {@link RunningStats.merge}; the engine caches them beside the
 * volume with {@link RunningStats.toJSON} / {@link RunningStats.fromJSON}.
 */
export class RunningStats {
  /** Number of values seen. */
  count = 0;
  /** Running mean (0 while empty). */
  mean = 0;
  /** Sum of squared deviations from the mean. */
  m2 = 0;
  /** Smallest value (+Infinity while empty). */
  min = Infinity;
  /** Largest value (−Infinity while empty). */
  max = -Infinity;

  /**
   * Adds a block of values.
   *
   * @param data - the values (any numeric typed array)
   * @returns this, for chaining
   * @throws {@link NonFiniteInputError} if the block holds NaN or ±Infinity (nothing is added)
   */
  add(data: NumericArray): this {
    const n = data.length;
    if (n === 0) return this;
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!Number.isFinite(sum)) {
      const at = findNonFinite(data);
      throw new NonFiniteInputError(
        `statistics input contains ${String(data[at])} at element ${at}: non-finite input is refused; replace NaN/Infinity before computing statistics`,
      );
    }
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = data[i]! - mean;
      m2 += d * d;
    }
    this.combine(n, mean, m2, lo, hi);
    return this;
  }

  /**
   * Folds another accumulator's values into this one, as if they had been added here.
   *
   * @param other - statistics of a disjoint set of values
   * @returns this, for chaining
   */
  merge(other: RunningStats): this {
    if (other.count > 0) this.combine(other.count, other.mean, other.m2, other.min, other.max);
    return this;
  }

  private combine(nb: number, meanB: number, m2b: number, lo: number, hi: number): void {
    const na = this.count;
    if (na === 0) {
      this.count = nb;
      this.mean = meanB;
      this.m2 = m2b;
    } else {
      const n = na + nb;
      const delta = meanB - this.mean;
      this.mean += (delta * nb) / n;
      this.m2 += m2b + ((delta * delta) * na * nb) / n;
      this.count = n;
    }
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
  }

  /** Population variance (0 while fewer than one value). */
  get variance(): number {
    return this.count > 0 ? this.m2 / this.count : 0;
  }

  /** Population standard deviation, numpy's `np.std` (0 while empty). */
  get std(): number {
    return Math.sqrt(this.variance);
  }

  /** Plain JSON for caching beside the volume. */
  toJSON(): RunningStatsJSON {
    return {
      count: this.count,
      mean: this.mean,
      m2: this.m2,
      min: this.count > 0 ? this.min : null,
      max: this.count > 0 ? this.max : null,
    };
  }

  /**
   * Restores an accumulator from {@link RunningStats.toJSON}'s output.
   *
   * @param json - parsed JSON
   * @param source - where it came from, for messages
   * @throws {@link InvalidNormalizationParameterError} if fields are missing or inconsistent
   */
  static fromJSON(json: unknown, source = 'running statistics'): RunningStats {
    const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    const num = (k: string): number => {
      const v = o[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidNormalizationParameterError(`${source}: '${k}' must be a finite number, got ${JSON.stringify(v) ?? 'nothing'}`);
      }
      return v;
    };
    const s = new RunningStats();
    const count = num('count');
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidNormalizationParameterError(`${source}: 'count' must be a non-negative integer, got ${count}`);
    }
    if (count === 0) return s;
    s.count = count;
    s.mean = num('mean');
    s.m2 = num('m2');
    s.min = num('min');
    s.max = num('max');
    if (s.m2 < 0 || s.min > s.max) {
      throw new InvalidNormalizationParameterError(`${source}: inconsistent statistics (m2 ${s.m2}, min ${s.min}, max ${s.max})`);
    }
    return s;
  }
}
