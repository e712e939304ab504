/**
 * Zarr throughput of @voxelflow/volume-io: write and read a 256³ uint8 Zarr v2 (Blosc-zstd level 3
 * with shuffle, 64³ chunks) on local disk and through s3rver. MB/s are of raw voxel bytes. "cold" reads
 * start with an empty chunk cache; "warm" reads are served from it (no fetch, no decode).
 * The NIfTI part lives in volume-io-medical.ts.
 *
 *   npx tsx --conditions=@voxelflow/source --openssl-legacy-provider tools/bench/src/volume-io.ts [size] [chunk]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, startS3rver, type Store } from '@voxelflow/remote-storage';
import { ChunkCache, createVolume, openVolume, type ZarrCodec } from '@voxelflow/volume-io';
import { printTable, timeIt, type BenchRow } from './report';

const N = Number(process.argv[2] ?? 256);
const C = Number(process.argv[3] ?? 64);
const shape = [N, N, N];
const box = { start: [0, 0, 0], stop: shape };
const bytes = N * N * N;
const codec: ZarrCodec = { name: 'blosc', cname: 'zstd', clevel: 3, shuffle: 'shuffle' };

/** A CT-like uint8 field: smooth structure plus noise, air (0) in one corner so some chunks are empty. */
function makeVolume(): Uint8Array {
  const data = new Uint8Array(bytes);
  let seed = 12345;
  let i = 0;
  for (let z = 0; z < N; z++) {
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const air = z < N / 4 && y < N / 4;
        data[i++] = air ? 0 : Math.max(0, Math.min(255, 128 + 80 * Math.sin(x / 23) * Math.cos(y / 31) + (z >> 2) + ((seed >>> 28) - 8)));
      }
    }
  }
  return data;
}

async function storedBytes(store: Store): Promise<number> {
  let total = 0;
  for (const key of await store.list()) total += (await store.head(key))?.size ?? 0;
  return total;
}

async function run(label: string, url: string, store: Store, data: Uint8Array): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const writeCache = new ChunkCache();
  const volume = await createVolume(url, { store, format: 'zarr2', shape, dtype: 'uint8', chunkShape: [C, C, C], codec, cache: writeCache, overwrite: true });
  rows.push({ name: `${label}: write ${N}³ u8, ${C}³ blosc-zstd`, seconds: await timeIt(() => volume.write(box, { data, shape })), bytes });
  const size = await storedBytes(store);
  const cache = new ChunkCache({ maxBytes: 2 * bytes });
  const reader = await openVolume(url, { store, cache });
  let ok = true;
  const cold = await timeIt(async () => {
    const got = await reader.read(box);
    ok = Buffer.compare(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength), Buffer.from(data.buffer)) === 0;
  });
  rows.push({ name: `${label}: read (cold cache)`, seconds: cold, bytes, note: `${(cache.stats.bytesFetched / 1e6).toFixed(1)} MB fetched, ${cache.stats.chunksDecoded} chunks decoded, stored ${(size / 1e6).toFixed(1)} MB (×${(bytes / size).toFixed(1)})${ok ? '' : ' MISMATCH'}` });
  const decoded = cache.stats.chunksDecoded;
  const warm = await timeIt(() => reader.read(box));
  rows.push({ name: `${label}: read (warm cache)`, seconds: warm, bytes, note: `${cache.stats.chunksDecoded - decoded} chunks decoded` });
  // Patch-sized reads (one 64³ box per chunk, shifted by half a chunk): each chunk decoded once.
  const patches = new ChunkCache({ maxBytes: 2 * bytes });
  const patchReader = await openVolume(url, { store, cache: patches });
  const half = C / 2;
  let n = 0;
  const patchTime = await timeIt(async () => {
    for (let z = half; z + C <= N; z += C)
      for (let y = half; y + C <= N; y += C)
        for (let x = half; x + C <= N; x += C) {
          await patchReader.read({ start: [z, y, x], stop: [z + C, y + C, x + C] });
          n++;
        }
  });
  rows.push({ name: `${label}: ${n} off-grid ${C}³ patch reads`, seconds: patchTime, bytes: n * C ** 3, items: n, itemLabel: 'patches', note: `${patches.stats.chunksDecoded} chunks decoded for ${n * 8} chunk touches` });
  return rows;
}

const data = makeVolume();
const rows: BenchRow[] = [];
const dir = await mkdtemp(join(tmpdir(), 'vf-bench-zarr-'));
try {
  // Warm-up (not timed): the codec's WASM is compiled on first use.
  const warm = await createVolume(join(dir, 'warm.zarr'), { format: 'zarr2', shape: [C, C, C], dtype: 'uint8', chunkShape: [C, C, C], codec });
  await warm.write({ start: [0, 0, 0], stop: [C, C, C] }, { data: data.subarray(0, C ** 3), shape: [C, C, C] });
  await (await openVolume(join(dir, 'warm.zarr'), { cache: new ChunkCache() })).read({ start: [0, 0, 0], stop: [C, C, C] });

  const local = join(dir, 'local.zarr');
  rows.push(...(await run('local', local, await openStore(local), data)));
  const s3 = await startS3rver();
  try {
    const url = `s3://${s3.bucket}/bench/volume.zarr`;
    rows.push(...(await run('s3rver', url, await openStore(url, { s3: s3.storeOptions }), data)));
  } finally {
    await s3.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
printTable(`volume-io Zarr v2 ${N}³ uint8, ${C}³ chunks, Blosc-zstd 3 + shuffle`, rows);
