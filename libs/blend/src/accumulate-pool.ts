/**
 * A Piscina pool of accumulation workers. Workers are the built `accumulate-worker.js` beside this
 * module, or its TypeScript source under tests (loaded through tsx).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { AccumulateTask } from './accumulate-worker';

/** Where the worker module is, and how Node must be started to load it. */
export function accumulateWorkerLocation(): { filename: string; execArgv: string[] } {
  const js = new URL('./accumulate-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { filename: js.href, execArgv: [] };
  const ts = new URL('./accumulate-worker.ts', import.meta.url);
  // Source mode (tests, development): tsx resolved from here, not from the working directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename: ts.href, execArgv: ['--conditions=@voxelflow/source', '--import', tsx] };
}

export class AccumulatePool {
  private readonly pool: Piscina;
  readonly threads: number;

  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`worker count must be a positive integer, got ${threads}`);
    const { filename, execArgv } = accumulateWorkerLocation();
    this.threads = threads;
    this.pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, execArgv, idleTimeout: 60_000 });
  }

  run(task: AccumulateTask): Promise<number> {
    return this.pool.run(task) as Promise<number>;
  }

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}
