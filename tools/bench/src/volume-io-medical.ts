/**
 * Medical-image throughput: write and read a 256³ float32 volume as .nii.gz (and .nii for
 * comparison) through @voxelflow/volume-io's MedicalImageVolume. MB/s are of raw voxel bytes.
 *
 *   npx tsx --conditions=@voxelflow/source tools/bench/src/volume-io-medical.ts [size]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMedicalImage, openMedicalImage, type Geometry } from '@voxelflow/volume-io';
import { printTable, timeIt, type BenchRow } from './report';

const N = Number(process.argv[2] ?? 256);
const shape = [N, N, N];
const bytes = N * N * N * 4;

/** A CT-like field: smooth structure plus noise, so gzip does real work. */
function makeVolume(): Float32Array {
  const data = new Float32Array(N * N * N);
  let seed = 12345;
  let i = 0;
  for (let z = 0; z < N; z++) {
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const noise = (seed / 2 ** 32 - 0.5) * 20;
        data[i++] = 400 * Math.sin(x / 23) * Math.cos(y / 31) + 3 * z - 1000 + noise;
      }
    }
  }
  return data;
}

const geometry: Geometry = { spacing: [0.7, 0.7, 1.25], origin: [-90, -120, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vf-bench-medical-'));
  const data = makeVolume();
  const box = { start: [0, 0, 0], stop: shape };
  const rows: BenchRow[] = [];
  try {
    // Warm-up: the first call of each ITK pipeline decompresses and compiles its WASM.
    for (const name of ['warm.nii.gz', 'warm.nii']) {
      const small = await createMedicalImage(join(dir, name), { shape: [8, 8, 8], dtype: 'float32' });
      await small.close();
      await openMedicalImage(join(dir, name));
    }
    for (const [name, opts] of [
      ['ct.nii.gz', { gzipLevel: 1 }],
      ['ct6.nii.gz', { gzipLevel: 6 }],
      ['ct.nii', {}],
    ] as const) {
      const path = join(dir, name);
      const write = await timeIt(async () => {
        const vol = await createMedicalImage(path, { shape, dtype: 'float32', geometry, ...opts });
        await vol.write(box, { data, shape });
        await vol.close();
      });
      const size = (await stat(path)).size;
      let checksum = 0;
      const read = await timeIt(async () => {
        const vol = await openMedicalImage(path);
        const all = await vol.read(box);
        checksum = all.data[12345]! + all.data[all.data.length - 1]!;
      });
      if (checksum !== data[12345]! + data[data.length - 1]!) throw new Error(`read-back mismatch for ${name}`);
      const level = 'gzipLevel' in opts ? ` (gzip level ${opts.gzipLevel})` : '';
      rows.push({ name: `write ${N}³ f32 ${name}${level}`, seconds: write, bytes, note: `${(size / 1e6).toFixed(1)} MB on disk` });
      rows.push({ name: `read  ${N}³ f32 ${name}`, seconds: read, bytes });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(`volume-io medical images (${N}³ float32, ${(bytes / 1e6).toFixed(1)} MB raw)`, rows);
}

await main();
