/**
 * The parent side of --num-proc/--gpus: forks one worker process per plan (each loads its own model
 * session and sees its own GPU) and hands out files from one shared queue, so a process that gets
 * small images simply takes more of them. Workers report over IPC; the parent draws progress.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WorkerError } from './errors';
import type { FileOutcome, ProcessorConfig } from './image-processor';
import { OUT_OF_MEMORY_HINT } from './out-of-memory';
import type { WorkerPlan } from './plan-workers';
import type { FromWorker, ToWorker } from './worker-messages';

/** What the pool reports while it runs. */
export interface PoolCallbacks {
  onReady?(worker: number, notes: string[]): void;
  onProgress?(worker: number, file: string, done: number, total: number): void;
  onResult(worker: number, outcome: FileOutcome): void;
}

/** The worker script next to this module: `worker.ts` run through tsx from source, `worker.js` when built. */
export function workerEntry(moduleUrl: string = import.meta.url): { path: string; execArgv: string[] } {
  const fromSource = moduleUrl.endsWith('.ts');
  const path = fileURLToPath(new URL(fromSource ? './worker.ts' : './worker.js', moduleUrl));
  if (!fromSource) return { path, execArgv: [] };
  let tsx = 'tsx';
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    // Resolved by Node from the working directory instead.
  }
  // Set explicitly: a fork inherits the parent's execArgv (vitest's or an inspector's flags) otherwise.
  return { path, execArgv: ['--conditions=@voxelflow/source', '--import', tsx] };
}

interface Slot {
  plan: WorkerPlan;
  child: ChildProcess;
  current?: string;
  alive: boolean;
  ready: boolean;
}

/**
 * Segments `files` on one worker process per plan and resolves when every process has exited.
 *
 * @throws the first worker's model-loading error (with its exit code) when a worker cannot start
 */
export function runWorkerPool(
  files: readonly string[],
  plans: readonly WorkerPlan[],
  config: Omit<ProcessorConfig, 'device' | 'threads'>,
  callbacks: PoolCallbacks,
): Promise<void> {
  const entry = workerEntry();
  const queue = [...files];
  let fatal: Error | undefined;
  return new Promise<void>((resolve, reject) => {
    const slots: Slot[] = [];
    const post = (slot: Slot, message: ToWorker): void => {
      if (slot.alive && slot.child.connected) slot.child.send(message);
    };
    const next = (slot: Slot): void => {
      const file = fatal ? undefined : queue.shift();
      slot.current = file;
      post(slot, file === undefined ? { type: 'exit' } : { type: 'file', file });
    };
    const settle = (): void => {
      if (slots.some((s) => s.alive)) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (fatal) return reject(fatal);
      // Every worker is gone (crashed) with files left: report them rather than hang.
      for (const file of queue.splice(0)) {
        callbacks.onResult(-1, { file, ok: false, error: `${file}: not segmented, every worker process exited early` });
      }
      resolve();
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const s of slots) if (s.alive) s.child.kill('SIGTERM');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    for (const plan of plans) {
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (plan.cudaVisibleDevices !== undefined) {
        // Must be in the environment before the child loads ONNX Runtime's CUDA provider.
        env['CUDA_VISIBLE_DEVICES'] = plan.cudaVisibleDevices;
        env['CUDA_DEVICE_ORDER'] = 'PCI_BUS_ID';
      }
      const child = fork(entry.path, [], {
        execArgv: entry.execArgv,
        env,
        serialization: 'advanced',
        // Children must not draw on the parent's terminal; their stray native output still shows.
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const slot: Slot = { plan, child, alive: true, ready: false };
      slots.push(slot);
      child.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            slot.ready = true;
            callbacks.onReady?.(plan.index, m.notes);
            next(slot);
            return;
          case 'fatal':
            fatal ??= Object.assign(new WorkerError(m.message), { exitCode: m.exitCode });
            for (const s of slots) if (s !== slot) post(s, { type: 'exit' });
            return;
          case 'progress':
            callbacks.onProgress?.(plan.index, m.file, m.done, m.total);
            return;
          case 'result':
            slot.current = undefined;
            callbacks.onResult(plan.index, m.outcome);
            next(slot);
        }
      });
      child.on('error', (e) => {
        fatal ??= new WorkerError(`worker process ${plan.index} could not run ${entry.path}: ${e.message}`);
      });
      child.on('exit', (code, signal) => {
        slot.alive = false;
        if (!slot.ready && !fatal) {
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          fatal = new WorkerError(`worker process ${plan.index} ${how} before it loaded the model (${entry.path})`);
        }
        if (slot.current !== undefined) {
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          const hint = signal === 'SIGKILL' ? ` — likely ${OUT_OF_MEMORY_HINT}` : '';
          callbacks.onResult(plan.index, { file: slot.current, ok: false, error: `${slot.current}: worker process ${plan.index} ${how} while segmenting it${hint}` });
          slot.current = undefined;
        }
        settle();
      });
      post(slot, { type: 'init', config: { ...config, device: plan.device, threads: plan.threads } });
    }
  });
}
