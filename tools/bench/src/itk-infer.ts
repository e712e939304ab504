/**
 * itk-infer throughput: images per minute with the UNet test model (64³ patch, stride 32) on CT-like
 * int16 images of 96×128×128, with 1 and with 2 worker processes. Each run is the whole CLI as a user
 * starts it (process start, model load, reading, inference, writing), into a fresh output folder.
 *
 *   npx tsx --conditions=@voxelflow/source tools/bench/src/itk-infer.ts [images] [--dist]
 *
 * `--dist` runs the built apps/itk-infer/dist/cli.js instead of the TypeScript source through tsx.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMedicalImage, type Geometry } from '@voxelflow/volume-io';
import { printTable, timeIt, type BenchRow } from './report';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const IMAGES = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 6);
const USE_DIST = process.argv.includes('--dist');
const SHAPE: [number, number, number] = [96, 128, 128];
const MODEL = join(REPO, 'test-data', 'models', 'unet3d-tiny.onnx');
const GEOMETRY: Geometry = { spacing: [0.8, 0.8, 2], origin: [-51.2, -51.2, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

/** A CT-like volume: air, an elliptic body, two lungs, a bone blob, noise (deterministic per seed). */
function ctVolume(seed: number): Int16Array {
  const [Z, Y, X] = SHAPE;
  const data = new Int16Array(Z * Y * X);
  let s = seed >>> 0;
  const noise = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const bx = (x - 64) / 55;
        const by = (y - 64) / 40;
        let v = -1000 + 10 * noise();
        if (bx * bx + by * by < 1) v = 40 + 25 * noise();
        for (const cx of [40, 88]) {
          const lx = (x - cx) / 18;
          const ly = (y - 60) / 22;
          const lz = (z - 50) / 35;
          if (lx * lx + ly * ly + lz * lz < 1) v = -800 + 40 * noise();
        }
        const dx = (x - 64) / 8;
        const dy = (y - 95) / 8;
        if (dx * dx + dy * dy < 1) v = 700 + 60 * noise();
        data[i] = Math.round(v);
      }
    }
  }
  return data;
}

function runCli(args: string[]): Promise<void> {
  const cli = USE_DIST ? [join(REPO, 'apps/itk-infer/dist/cli.js')] : ['--conditions=@voxelflow/source', '--import', 'tsx', join(REPO, 'apps/itk-infer/src/cli.ts')];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...cli, ...args], { cwd: REPO, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`itk-infer exited ${code}:\n${stderr}`))));
  });
}

async function main(): Promise<void> {
  if (USE_DIST && !existsSync(join(REPO, 'apps/itk-infer/dist/cli.js'))) throw new Error('build apps/itk-infer first (npx tsup in apps/itk-infer)');
  const dir = await mkdtemp(join(tmpdir(), 'vf-bench-itk-'));
  const input = join(dir, 'in');
  await mkdir(input);
  const rows: BenchRow[] = [];
  try {
    for (let k = 0; k < IMAGES; k++) {
      const vol = await createMedicalImage(join(input, `case${String(k).padStart(2, '0')}.nii.gz`), { shape: SHAPE, dtype: 'int16', geometry: GEOMETRY });
      await vol.write({ start: [0, 0, 0], stop: SHAPE }, { data: ctVolume(k + 1), shape: SHAPE, dtype: 'int16' });
      await vol.close();
    }
    // Warm-up run (tsx transform cache, ITK WASM, page cache) on one image; not timed.
    const warm = join(dir, 'warm-in');
    await mkdir(warm);
    await createMedicalImage(join(warm, 'w.nii.gz'), { shape: [8, 8, 8], dtype: 'int16' }).then((v) => v.close());
    await runCli(['-i', warm, '-o', join(dir, 'warm-out'), '--onnx', MODEL, '--wl', '40', '--ww', '400']);
    const windows = 2 * 3 * 3; // per image: z ceil((96 − 64) / 32) + 1, y and x ceil((128 − 64) / 32) + 1
    for (const procs of [1, 2]) {
      const out = join(dir, `out-${procs}`);
      const seconds = await timeIt(() => runCli(['-i', input, '-o', out, '--onnx', MODEL, '--wl', '40', '--ww', '400', '--num-proc', String(procs)]));
      rows.push({
        name: `${IMAGES} × ${SHAPE.join('×')} int16, --num-proc ${procs}`,
        seconds,
        items: IMAGES * windows,
        itemLabel: 'windows',
        note: `${((IMAGES / seconds) * 60).toFixed(2)} images/min`,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(`itk-infer, unet3d-tiny (64³ patch, stride 32, ${USE_DIST ? 'built dist' : 'source via tsx'}), whole CLI runs`, rows);
}

await main();
