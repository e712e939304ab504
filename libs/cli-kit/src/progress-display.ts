/**
 * Renders progress events: a bar with rate and ETA on a TTY, and otherwise one plain line every few
 * seconds (logs of CI jobs, Kubernetes pods and Slurm files stay readable). Children never draw; they
 * send events to the parent, which renders them here.
 */
import cliProgress from 'cli-progress';

/** The fields a display needs; matches `ProgressEvent` of @voxelflow/inference. */
export interface ProgressLike {
  /** What is running ('predict', 'blend', 'finalize', 'pyramid'…); the default row label. */
  phase: string;
  /** Units done so far, including skipped ones. */
  done: number;
  /** Units in total. */
  total: number;
  /** Units skipped (empty, or done by an earlier run). */
  skipped: number;
  /** Seconds since the phase started. */
  elapsedSeconds: number;
  /** Units per second so far (0 until known). */
  rate: number;
  /** Seconds left at the current rate; undefined until known (shown as `?`). */
  etaSeconds?: number;
  /** Name of the unit ('patches', 'chunks', 'files'). */
  unit: string;
}

/** Options of {@link ProgressDisplay}. */
export interface ProgressDisplayOptions {
  /** Stream to draw on (default stderr). */
  stream?: NodeJS.WriteStream;
  /** Force plain lines even on a TTY. */
  plain?: boolean;
  /** Seconds between plain lines (default 5). */
  intervalSeconds?: number;
  /** Draw nothing. */
  quiet?: boolean;
}

/** Seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One plain progress line, e.g. `predict 120/400 patches (30%) 3.2 patches/s, 12 skipped, ETA 1m27s`. */
export function formatProgressLine(e: ProgressLike, label = e.phase): string {
  const pct = e.total > 0 ? Math.floor((100 * e.done) / e.total) : 100;
  const skipped = e.skipped ? `, ${e.skipped} skipped` : '';
  return `${label} ${e.done}/${e.total} ${e.unit} (${pct}%) ${e.rate.toFixed(2)} ${e.unit}/s${skipped}, elapsed ${formatDuration(e.elapsedSeconds)}, ETA ${formatDuration(e.etaSeconds)}`;
}

/** Draws several progress rows (one per phase, worker or GPU) keyed by a label. */
export class ProgressDisplay {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly multibar?: cliProgress.MultiBar;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly lastLine = new Map<string, number>();
  private readonly last = new Map<string, ProgressLike>();

  constructor(private readonly options: ProgressDisplayOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.tty = !options.plain && Boolean(this.stream.isTTY) && !options.quiet;
    this.intervalMs = (options.intervalSeconds ?? 5) * 1000;
    if (this.tty) {
      this.multibar = new cliProgress.MultiBar(
        {
          stream: this.stream,
          clearOnComplete: false,
          hideCursor: true,
          format: '{label} [{bar}] {percentage}% {value}/{total} {unit} | {rate} {unit}/s | ETA {eta_h}',
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  /** Shows an event under `label` (default: its phase). */
  update(e: ProgressLike, label = e.phase): void {
    if (this.options.quiet) return;
    this.last.set(label, e);
    if (this.multibar) {
      const payload = { label: label.padEnd(10), unit: e.unit, rate: e.rate.toFixed(2), eta_h: formatDuration(e.etaSeconds) };
      let bar = this.bars.get(label);
      if (!bar) {
        bar = this.multibar.create(e.total, e.done, payload);
        this.bars.set(label, bar);
      }
      bar.setTotal(e.total);
      bar.update(e.done, payload);
      return;
    }
    const now = Date.now();
    const prev = this.lastLine.get(label);
    const finished = e.done >= e.total;
    if (prev !== undefined && now - prev < this.intervalMs && !finished) return;
    if (finished && prev === -1) return; // the final line was already printed
    this.lastLine.set(label, finished ? -1 : now);
    this.stream.write(`${formatProgressLine(e, label)}\n`);
  }

  /** Prints a message above the bars (or as a plain line). */
  log(message: string): void {
    if (this.options.quiet) return;
    if (this.multibar) this.multibar.log(`${message}\n`);
    else this.stream.write(`${message}\n`);
  }

  /** Stops drawing; prints the final state of every row in plain mode. */
  stop(): void {
    if (this.multibar) {
      this.multibar.stop();
      return;
    }
    for (const [label, e] of this.last) {
      if (this.lastLine.get(label) !== -1 && !this.options.quiet) this.stream.write(`${formatProgressLine(e, label)}\n`);
      this.lastLine.set(label, -1);
    }
  }
}
