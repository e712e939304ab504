/**
 * Benchmark of the pipeline: fused against staged on the UNet test model over a 128×256×256 volume
 * (wall time, bytes written, peak RSS of each route, measured in a fresh process per route), and the
 * staged blend's throughput in logit voxels/s with 1 and 2 accumulation workers.
 *
 *   npm run build && npx tsx tools/bench/src/pipeline.ts
 *
 * Run it against the built packages (no --conditions flag): from source every worker thread compiles
 * the TypeScript of the libraries it loads first, which the blend figures would then measure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blend, predict, runPipeline } from '@voxelflow/inference';
import { createOnnxWorkerBackend } from '@voxelflow/runtime-onnx';
import { createVolume } from '@voxelflow/volume-io';
import { peakRssMiB, printTable, timeIt, type BenchRow } from './report';

const model = fileURLToPath(new URL('../../../test-data/models/unet3d-tiny.onnx', import.meta.url));
const shape = [128, 256, 256];

async function duBytes(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).size;
  }
  return total;
}

async function makeInput(dir: string): Promise<string> {
  const [Z, Y, X] = shape as [number, number, number];
  const data = new Uint8Array(Z * Y * X);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) data[(z * Y + y) * X + x] = 128 + 100 * Math.sin((x + 2 * y) / 9 + z / 17) * Math.cos(y / 23);
  const input = join(dir, 'input.zarr');
  const vol = await createVolume(input, { format: 'zarr2', shape, dtype: 'uint8', chunkShape: [64, 64, 64] });
  await vol.write({ start: [0, 0, 0], stop: shape }, { data, shape });
  return input;
}

/** One route in this process; prints a JSON line with its figures (run by the parent in a fresh process). */
async function child(route: 'fused' | 'staged', input: string, dir: string): Promise<void> {
  const output = join(dir, `${route}.zarr`);
  const workdir = join(dir, `${route}_work`);
  const t0 = performance.now();
  const r = await runPipeline({ input, output, workdir, model, backendFactory: createOnnxWorkerBackend, tta: 'none', workers: 1, staged: route === 'staged', keepIntermediates: true, threshold: true });
  const seconds = (performance.now() - t0) / 1000;
  const out = await duBytes(output);
  const inter = route === 'staged' ? await duBytes(workdir) : 0;
  const predictSeconds = (r.parts[0] as { timings?: { totalSeconds: number } }).timings?.totalSeconds ?? (r.parts[0] as { seconds?: number }).seconds;
  console.log(JSON.stringify({ route, seconds, outputBytes: out, intermediateBytes: inter, peakRssMiB: peakRssMiB(), predictSeconds, blendSeconds: r.blend?.seconds, finalizeSeconds: r.finalize?.timings }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3] as 'fused' | 'staged', process.argv[4]!, process.argv[5]!);
  const dir = await mkdtemp(join(tmpdir(), 'vf-bench-pipeline-'));
  try {
    const input = await makeInput(dir);
    const rows: BenchRow[] = [];
    for (const route of ['fused', 'staged'] as const) {
      const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', route, input, dir], { encoding: 'utf8' });
      const line = r.stdout.trim().split('\n').pop()!;
      const m = JSON.parse(line) as { seconds: number; outputBytes: number; intermediateBytes: number; peakRssMiB: number; predictSeconds?: number; blendSeconds?: number };
      if (process.env['VF_BENCH_VERBOSE']) console.log(line);
      rows.push({ name: `pipeline ${route}`, seconds: m.seconds, note: `written ${((m.outputBytes + m.intermediateBytes) / 1e6).toFixed(1)} MB (intermediates ${(m.intermediateBytes / 1e6).toFixed(1)} MB), peak RSS ${m.peakRssMiB.toFixed(0)} MiB` });
    }
    printTable(`pipeline: unet3d-tiny, ${shape.join('×')} uint8, 64³ patches, TTA off, 1 part`, rows);

    // Blend throughput on stored logits (from a predict run), 1 and 2 workers.
    const logits = join(dir, 'logits');
    const p = await predict({ input, output: logits, model, backendFactory: createOnnxWorkerBackend, tta: 'none' });
    const blendRows: BenchRow[] = [];
    for (const workers of [0, 1, 2]) {
      let voxels = 0;
      const seconds = await timeIt(async () => {
        const b = await blend({ parentDir: logits, output: join(dir, `blend-${workers}.zarr`), numWorkers: workers, overwrite: true });
        voxels = b.logitVoxels;
      });
      blendRows.push({ name: `blend, ${workers === 0 ? 'main thread' : `${workers} worker${workers > 1 ? 's' : ''}`}`, seconds, items: voxels / 1e6, itemLabel: 'M logit voxels' });
    }
    printTable(`blend: ${p.processed} stored patches of 2×64³ float16`, blendRows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
