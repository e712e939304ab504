/**
 * Benchmark of the two ONNX backends on the UNet test model: onnxruntime-node (native CPU kernels) and
 * onnxruntime-web (WebAssembly), 64³ patches, batch 1, with 1 and 2 threads. Each configuration runs in
 * a fresh process — onnxruntime-web sizes its thread pool once per process, and a fresh process keeps
 * one run's heap and caches out of the next — doing 3 warm-up patches and then timing `--patches` (20).
 *
 *   npx tsx --conditions=@voxelflow/source tools/bench/src/backends.ts [--patches N] [--rounds R]
 *
 * With `--rounds 2` every configuration runs twice, interleaved, so a burst of load from other
 * processes on a shared machine shows up as disagreement between rounds instead of a false ranking.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BackendFactory, ModelBackend } from '@voxelflow/inference';
import { createOnnxBackend, loadTestModel } from '@voxelflow/runtime-onnx';
import { createOrtWebBackend } from '@voxelflow/runtime-ort-web';
import { printTable, type BenchRow } from './report';

const BACKENDS: Record<string, BackendFactory> = {
  'onnxruntime-node': createOnnxBackend,
  'onnxruntime-web': createOrtWebBackend,
};
const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));
const WARMUP = 3;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface ChildResult {
  backend: string;
  version: string;
  threads: number;
  patches: number;
  seconds: number;
  medianMs: number;
  createMs: number;
  /** Process CPU time over wall time while timing: how many cores the runs kept busy. */
  coresBusy: number;
}

/** One backend and thread count in this process; prints one JSON line. */
async function child(backendName: string, threads: number, patches: number): Promise<void> {
  const factory = BACKENDS[backendName];
  if (!factory) throw new Error(`unknown backend ${backendName}`);
  const model = loadTestModel(testData, 'unet3d-tiny');
  const shape = [1, 1, 64, 64, 64];
  // A smooth input in the z-scored range the model sees in practice (values do not change the work done).
  const input = new Float32Array(64 ** 3);
  for (let i = 0; i < input.length; i++) input[i] = Math.sin(i / 97) * Math.cos(i / 4099);
  let t0 = performance.now();
  const backend: ModelBackend = await factory(model, { device: 'cpu', threads });
  const createMs = performance.now() - t0;
  try {
    for (let i = 0; i < WARMUP; i++) await backend.run({ dtype: 'float32', data: input, shape });
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < patches; i++) {
      t0 = performance.now();
      await backend.run({ dtype: 'float32', data: input, shape });
      times.push(performance.now() - t0);
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    const result: ChildResult = {
      backend: backendName,
      version: backend.runtime?.version ?? '?',
      threads,
      patches,
      seconds,
      medianMs: times[Math.floor(times.length / 2)]!,
      createMs,
      coresBusy: (cpu.user + cpu.system) / 1e6 / seconds,
    };
    console.log(JSON.stringify(result));
  } finally {
    await backend.dispose();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
  const patches = arg('patches', 20);
  const rounds = arg('rounds', 1);
  const rows: BenchRow[] = [];
  const perConfig = new Map<string, number[]>();
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (let round = 0; round < rounds; round++) {
    for (const threads of [1, 2]) {
      for (const backend of Object.keys(BACKENDS)) {
        const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', backend, String(threads), String(patches)], {
          encoding: 'utf8',
        });
        const line = r.stdout.trim().split('\n').pop() ?? '';
        if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${backend} with ${threads} thread(s) failed: ${r.stderr.trim()}`);
        const c = JSON.parse(line) as ChildResult;
        const key = `${c.backend} ${c.version}, ${c.threads} thread${c.threads > 1 ? 's' : ''}`;
        perConfig.set(key, [...(perConfig.get(key) ?? []), c.patches / c.seconds]);
        rows.push({
          name: `${key}${rounds > 1 ? ` (round ${round + 1})` : ''}`,
          seconds: c.seconds,
          items: c.patches,
          itemLabel: 'patches',
          note: `median ${c.medianMs.toFixed(0)} ms/patch, ${c.coresBusy.toFixed(2)} cores busy, session ${c.createMs.toFixed(0)} ms`,
        });
      }
    }
  }
  printTable(`backends: unet3d-tiny, 64³ patches, batch 1, ${WARMUP} warm-up + ${patches} timed per run, one process per run`, rows);
  const best = (k: string) => Math.max(...(perConfig.get(k) ?? [NaN]));
  for (const threads of [1, 2]) {
    const suffix = `${threads} thread${threads > 1 ? 's' : ''}`;
    const node = [...perConfig.keys()].find((k) => k.startsWith('onnxruntime-node') && k.endsWith(suffix));
    const web = [...perConfig.keys()].find((k) => k.startsWith('onnxruntime-web') && k.endsWith(suffix));
    if (node && web) console.log(`${suffix}: onnxruntime-web runs at ${(best(web) / best(node)).toFixed(2)}× the patches/s of onnxruntime-node`);
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
