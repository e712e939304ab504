/**
 * A Piscina pool of accumulation workers. Workers are the built `accumulate-worker.js` beside this
 * module, or its TypeScript source under tests (loaded through tsx).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { AccumulateTask, DecodePatchTask } from './accumulate-worker';

/** Where the worker module is, and how Node must be started to load it. */
export function accumulateWorkerLocation(): {
  /** URL of the worker module (built .js, or the .ts source). */
  filename: string;
  /** Node flags the worker needs: the source condition and tsx for the .ts source, else none. */
  execArgv: string[];
} {
  const js = new URL('./accumulate-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: [] };
  // Source mode (tests, development): a small ES module registers tsx in the worker, then loads the
  // TypeScript worker (Node may load a worker's entry before `--import` hooks are active).
  const source = new URL('./accumulate-worker-source.mjs', import.meta.url);
  return { filename: source.href, execArgv: ['--conditions=@voxelflow/source'] };
}

/** A fixed-size Piscina pool that runs {@link accumulatePatchIntoChunk} tasks; `destroy` it when done. */
export class AccumulatePool {
  private readonly pool: Piscina;
  /** Worker threads of the pool (fixed: minimum = maximum). */
  readonly threads: number;

  /** Starts `threads` workers (a positive integer; RangeError otherwise). */
  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`worker count must be a positive integer, got ${threads}`);
    const { filename, execArgv } = accumulateWorkerLocation();
    this.threads = threads;
    this.pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, execArgv, idleTimeout: 60_000 });
  }

  /** Runs one patch-into-chunk task; resolves with the number of voxels it touched. */
  run(task: AccumulateTask): Promise<number> {
    return this.pool.run(task) as Promise<number>;
  }

  /** Decodes one stored float16 patch into a shared buffer; resolves with the stored bytes fetched. */
  decodePatch(task: DecodePatchTask): Promise<number> {
    return this.pool.run(task, { name: 'decodePatch' }) as Promise<number>;
  }

  /** Stops every worker; the pool is unusable afterwards. */
  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}
