/**
 * `segment --gpus`: octopi's MultiGpuPredictor as processes. Runs are dealt round-robin to one child
 * per GPU (`runs[i % n]`); each child is this same CLI (`segment … --run-ids <its runs>`) with
 * CUDA_VISIBLE_DEVICES set to its GPU, so it sees one device. Children print plain lines, which are
 * relayed with a `[gpu N]` prefix; the parent collects their exit codes.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The runs one GPU's child segments. */
export interface GpuShare {
  gpu: number;
  runs: string[];
}

/** How one child ended. */
export interface GpuChildResult extends GpuShare {
  /** Exit code (a signal counts as 1). */
  code: number;
}

/** Deals `runs` round-robin over `gpus` (run i to GPU i mod n); GPUs left without runs are dropped. */
export function dealRuns(runs: readonly string[], gpus: readonly number[]): GpuShare[] {
  const shares = gpus.map((gpu) => ({ gpu, runs: [] as string[] }));
  runs.forEach((r, i) => shares[i % shares.length]!.runs.push(r));
  return shares.filter((s) => s.runs.length > 0);
}

/**
 * Node arguments that start this CLI again: the bundled `cli.js` beside this code when built, else
 * `src/cli.ts` with the loader flags this process was started with (tsx).
 */
export function cliCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  return [...process.execArgv, join(dirname(here), fromSource ? 'cli.ts' : 'cli.js')];
}

/** Copies each line of `stream` to `out` with `prefix`. */
function relay(stream: NodeJS.ReadableStream, out: NodeJS.WriteStream, prefix: string): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => out.write(`${prefix}${line}\n`));
    rl.on('close', resolve);
  });
}

/**
 * Starts one child per share with `argsFor(share)` (the arguments after the script) and waits for all
 * of them. An abort signal forwards SIGTERM to the children.
 */
export async function runGpuChildren(
  shares: readonly GpuShare[],
  argsFor: (share: GpuShare) => string[],
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<GpuChildResult[]> {
  const command = cliCommand();
  return Promise.all(
    shares.map(
      (share) =>
        new Promise<GpuChildResult>((resolve) => {
          const child = spawn(process.execPath, [...command, ...argsFor(share)], {
            env: { ...process.env, ...options.env, CUDA_VISIBLE_DEVICES: String(share.gpu) },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          const prefix = `[gpu ${share.gpu}] `;
          const relayed = Promise.all([relay(child.stdout, process.stdout, prefix), relay(child.stderr, process.stderr, prefix)]);
          const stop = (): void => {
            child.kill('SIGTERM');
          };
          options.signal?.addEventListener('abort', stop, { once: true });
          child.on('error', (err) => {
            process.stderr.write(`${prefix}voxelflow-pick: cannot start the GPU ${share.gpu} process: ${err.message}\n`);
            resolve({ ...share, code: 1 });
          });
          child.on('close', (code) => {
            options.signal?.removeEventListener('abort', stop);
            void relayed.then(() => resolve({ ...share, code: code ?? 1 }));
          });
        }),
    ),
  );
}
