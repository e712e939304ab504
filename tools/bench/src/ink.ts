/**
 * Tiles per second of the ink container's inference step (`voxelflow-ink`, STEP=inference) with the
 * ink25d test model, at BATCH_SIZE 64 and 256. A synthetic surface volume (N × N × 26 uint8, every
 * pixel valid, 1024² × 1 chunks as `prepare` writes them) is made locally; the app then runs as a real
 * child process, and its partition record gives the step's wall time and the part of it spent in the
 * model. "step" tiles/s include gathering and normalizing the layers, sigmoid, resize and blending,
 * and writing the accumulators; "model" tiles/s are ONNX Runtime alone.
 *
 *   npx tsx --conditions=@voxelflow/source tools/bench/src/ink.ts [size=1024] [threads]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVolume, openVolume } from '@voxelflow/volume-io';
import { printTable, type BenchRow } from './report';

const N = Number(process.argv[2] ?? 1024);
const THREADS = process.argv[3];
const LAYERS = 26;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(repoRoot, 'apps/ink/src/cli.ts');

interface PartStats {
  tiles: number;
  seconds: number;
  modelSeconds: number;
  tilesPerSecond: number;
}

function run(env: Record<string, string>): Promise<{ code: number; stderr: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@voxelflow/source', '--import', 'tsx', cli], {
      cwd: repoRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

const work = await mkdtemp(join(tmpdir(), 'vf-bench-ink-'));
try {
  // Papyrus-like values in every layer (no empty tiles), written plane by plane like `prepare`.
  const surface = join(work, 'surface.zarr');
  const chunk = Math.min(1024, N);
  const volume = await createVolume(surface, { format: 'zarr2', shape: [N, N, LAYERS], dtype: 'uint8', chunkShape: [chunk, chunk, 1], codec: { name: 'none' } });
  const plane = new Uint8Array(N * N);
  for (let l = 0; l < LAYERS; l++) {
    for (let i = 0; i < plane.length; i++) plane[i] = 40 + ((i * 2654435761 + l * 97) >>> 25);
    await volume.write({ start: [0, 0, l], stop: [N, N, l + 1] }, { data: plane, shape: [N, N, 1] });
  }

  const rows: BenchRow[] = [];
  for (const batch of [64, 256]) {
    const partitions = join(work, `partitions-${batch}`);
    const result = await run({
      MODEL: join(repoRoot, 'test-data/models/ink25d.onnx'),
      S3_PATH: work,
      START_LAYER: '0',
      END_LAYER: String(LAYERS),
      STEP: 'inference',
      SURFACE_VOLUME_ZARR: surface,
      ZARR_OUTPUT_DIR: partitions,
      BATCH_SIZE: String(batch),
      ...(THREADS ? { THREADS } : {}),
    });
    if (result.code !== 0) throw new Error(`voxelflow-ink exited ${result.code}: ${result.stderr}`);
    const record = (await openVolume(join(partitions, 'mask_count_part_000.zarr'))).attributes['voxelflow_ink'] as { stats: PartStats };
    const s = record.stats;
    rows.push({ name: `ink25d ${N}×${N}×${LAYERS}, BATCH_SIZE ${batch}: step`, seconds: s.seconds, items: s.tiles, itemLabel: 'tiles', note: `process ${result.seconds.toFixed(2)} s incl. start-up` });
    rows.push({ name: `ink25d ${N}×${N}×${LAYERS}, BATCH_SIZE ${batch}: model only`, seconds: s.modelSeconds, items: s.tiles, itemLabel: 'tiles', note: `${((100 * s.modelSeconds) / s.seconds).toFixed(0)} % of the step` });
  }
  printTable(`voxelflow-ink inference, TILE_SIZE 64, STRIDE 16, threads ${THREADS ?? 'all cores'}`, rows);
} finally {
  await rm(work, { recursive: true, force: true });
}
