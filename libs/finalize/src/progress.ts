/**
 * Progress events of finalize. The shape is structurally identical to `ProgressEvent` of
 * @voxelflow/inference (which depends on this package, so it cannot be imported from there): a
 * callback written for one accepts the other.
 */

/** One progress report of a phase ('finalize': level-0 chunks; 'pyramid': chunks of levels 1…). */
export interface FinalizeProgressEvent {
  /** What is running: 'finalize' or 'pyramid'. */
  phase: string;
  /** Units done so far, including skipped ones. */
  done: number;
  /** Units in total. */
  total: number;
  /** Units skipped (no input, or done by an earlier run). */
  skipped: number;
  /** Seconds since the phase started. */
  elapsedSeconds: number;
  /** Units per second over the phase so far (0 until known). */
  rate: number;
  /** Seconds left at the current rate (undefined until known). */
  etaSeconds?: number;
  /** Name of the unit ('chunks'). */
  unit: string;
}

/** A receiver of {@link FinalizeProgressEvent}s. */
export type FinalizeProgressCallback = (event: FinalizeProgressEvent) => void;

/** Counts one phase and emits throttled events (at most every `intervalMs`, and always at the end). */
export class PhaseProgress {
  readonly #t0 = performance.now();
  #lastEmit = -Infinity;
  /** Units done so far, including skipped ones. */
  done = 0;
  /** Units skipped so far. */
  skipped = 0;
  /** Units done without work (an earlier run did them); left out of the rate. */
  #free = 0;

  constructor(
    /** The phase name events carry. */
    readonly phase: string,
    /** Units in total. */
    readonly total: number,
    /** Name of the unit. */
    readonly unit: string,
    private readonly callback: FinalizeProgressCallback | undefined,
    private readonly intervalMs = 250,
  ) {}

  /** Seconds since the phase started. */
  get elapsedSeconds(): number {
    return (performance.now() - this.#t0) / 1000;
  }

  /** Marks `n` units done (`skipped` of them skipped, `free` of them done by an earlier run). */
  advance(n: number, skipped = 0, free = 0): void {
    this.done += n;
    this.skipped += skipped;
    this.#free += free;
    this.emit(false);
  }

  /** Emits an event now if the interval has passed, or always when `force`. */
  emit(force: boolean): void {
    if (!this.callback) return;
    const now = performance.now();
    if (!force && now - this.#lastEmit < this.intervalMs && this.done < this.total) return;
    this.#lastEmit = now;
    const elapsedSeconds = (now - this.#t0) / 1000;
    const worked = this.done - this.#free;
    const rate = elapsedSeconds > 0 ? worked / elapsedSeconds : 0;
    const left = this.total - this.done;
    const event: FinalizeProgressEvent = { phase: this.phase, done: this.done, total: this.total, skipped: this.skipped, elapsedSeconds, rate, unit: this.unit };
    if (rate > 0 || left === 0) event.etaSeconds = rate > 0 ? left / rate : 0;
    this.callback(event);
  }
}
