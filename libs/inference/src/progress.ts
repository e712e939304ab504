/** Progress of long work, as events a caller can render (bar on a TTY, a line every few seconds otherwise). */
export interface ProgressEvent {
  /** What is running ('predict', 'blend', 'finalize', 'pyramid'…). */
  phase: string;
  /** Units done so far (patches, chunks, files), including skipped ones. */
  done: number;
  /** Units in total. */
  total: number;
  /** Units skipped (empty, or done by an earlier run). */
  skipped: number;
  /** Seconds since the phase started. */
  elapsedSeconds: number;
  /** Units per second over the phase so far (0 until known). */
  rate: number;
  /** Seconds left at the current rate (undefined until known). */
  etaSeconds?: number;
  /** Name of the unit ('patches', 'chunks', 'files'). */
  unit: string;
}

/** A receiver of {@link ProgressEvent}s. */
export type ProgressCallback = (event: ProgressEvent) => void;

/** Tracks one phase and emits throttled events (at most every `intervalMs`, and always at the end). */
export class ProgressTracker {
  private readonly t0 = performance.now();
  private lastEmit = -Infinity;
  /** `done` at the last event, so the final state is not reported twice. */
  private lastDone = -1;
  /** Units done so far, including skipped ones. */
  done = 0;
  /** Units skipped so far. */
  skipped = 0;
  /** Units that counted as done without work (resume); excluded from the rate. */
  private free = 0;

  constructor(
    /** The phase name events carry. */
    readonly phase: string,
    /** Units in total. */
    readonly total: number,
    /** Name of the unit. */
    readonly unit: string,
    private readonly callback?: ProgressCallback,
    private readonly intervalMs = 250,
  ) {}

  /** Marks `n` units done (`skipped` of them skipped; `free` of them done by an earlier run). */
  advance(n: number, skipped = 0, free = 0): void {
    this.done += n;
    this.skipped += skipped;
    this.free += free;
    this.emit(false);
  }

  /** Emits an event now if the interval has passed, or always when `force`. */
  emit(force: boolean): void {
    if (!this.callback) return;
    const now = performance.now();
    if (!force && now - this.lastEmit < this.intervalMs && this.done < this.total) return;
    if (this.done === this.lastDone && this.done >= this.total) return;
    this.lastEmit = now;
    this.lastDone = this.done;
    const elapsedSeconds = (now - this.t0) / 1000;
    const worked = this.done - this.free;
    const rate = elapsedSeconds > 0 ? worked / elapsedSeconds : 0;
    const left = this.total - this.done;
    this.callback({
      phase: this.phase,
      done: this.done,
      total: this.total,
      skipped: this.skipped,
      elapsedSeconds,
      rate,
      etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : undefined,
      unit: this.unit,
    });
  }
}
