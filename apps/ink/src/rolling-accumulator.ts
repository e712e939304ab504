/**
 * The blend accumulator of one partition: Σ w·p and Σ w (float32) for the image rows of its band,
 * held only for the rows tiles can still touch. Tiles arrive in row order; once no later tile can
 * reach a row, whole chunk rows are handed to the sink (which writes them to the partition's Zarrs)
 * and forgotten. Memory is `capacity · W · 8` bytes instead of the reference container's full-image
 * arrays per partition.
 */

/** Receives finished rows `[y0, y1)`: row-major (y1 − y0) × W views, valid until the promise settles. */
export type AccumulatorSink = (y0: number, y1: number, weightedSum: Float32Array, weightSum: Float32Array) => Promise<void>;

/** Options of {@link RollingAccumulator}. */
export interface RollingAccumulatorOptions {
  /** Image width. */
  width: number;
  /** First image row of the band (inclusive). */
  yStart: number;
  /** One past the last image row of the band. */
  yStop: number;
  /** Rows held at once: enough for the rows between the oldest unfinished row and the deepest tile. */
  capacity: number;
  /** Rows are flushed in whole multiples of this (the output chunk height), counted from image row 0. */
  flushRows: number;
}

/** See the module comment. */
export class RollingAccumulator {
  /** Σ w·p, row (y − rowStart). */
  readonly weightedSum: Float32Array;
  /** Σ w, row (y − rowStart). */
  readonly weightSum: Float32Array;
  /** Image row of the first held row. */
  rowStart: number;
  readonly width: number;
  readonly yStop: number;
  private readonly capacity: number;
  private readonly flushRows: number;

  constructor(
    options: RollingAccumulatorOptions,
    private readonly sink: AccumulatorSink,
  ) {
    const rows = Math.max(0, options.yStop - options.yStart);
    this.capacity = Math.max(1, Math.min(rows, options.capacity));
    this.width = options.width;
    this.yStop = options.yStop;
    this.flushRows = options.flushRows;
    this.rowStart = options.yStart;
    this.weightedSum = new Float32Array(this.capacity * options.width);
    this.weightSum = new Float32Array(this.capacity * options.width);
  }

  /** Offset of image row `y` in the arrays; throws when the row is not held (a bug in the caller's capacity). */
  rowOffset(y: number): number {
    const r = y - this.rowStart;
    if (r < 0 || r >= this.capacity) throw new RangeError(`row ${y} is outside the accumulator's rows ${this.rowStart} … ${this.rowStart + this.capacity}`);
    return r * this.width;
  }

  /** Rows held from `rowStart` (rows past the band's end are never touched). */
  get heldRows(): number {
    return Math.min(this.capacity, this.yStop - this.rowStart);
  }

  /** Every row before `y` is final: flush the whole chunk rows among them. */
  async release(y: number): Promise<void> {
    const boundary = y >= this.yStop ? this.yStop : Math.floor(y / this.flushRows) * this.flushRows;
    if (boundary <= this.rowStart) return;
    const rows = boundary - this.rowStart;
    const n = rows * this.width;
    await this.sink(this.rowStart, boundary, this.weightedSum.subarray(0, n), this.weightSum.subarray(0, n));
    const held = this.capacity * this.width;
    this.weightedSum.copyWithin(0, n, held);
    this.weightSum.copyWithin(0, n, held);
    this.weightedSum.fill(0, Math.max(0, held - n));
    this.weightSum.fill(0, Math.max(0, held - n));
    this.rowStart = boundary;
  }

  /** Flushes everything that is left. */
  async finish(): Promise<void> {
    await this.release(this.yStop);
  }
}
