/**
 * Test helpers: blended-logit Zarrs written with volume-io into temp dirs, outputs read back with
 * zarrita (independently of volume-io), and reference formulas written out in plain code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@voxelflow/remote-storage';
import { createVolume, float32ToFloat16 } from '@voxelflow/volume-io';
import FileSystemStore from '@zarrita/storage/fs';
import * as zarr from 'zarrita';

const dirs: string[] = [];

/** A fresh temp dir (removed by `removeTempDirs`). */
export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'vf-finalize-'));
  dirs.push(d);
  return d;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export interface LogitsZarrOptions {
  dtype?: 'float16' | 'float32';
  format?: 'zarr2' | 'zarr3';
  attributes?: Record<string, unknown>;
}

/**
 * Writes logits [C, Z, Y, X] (channel-major float32, NaN = no-data) as a Zarr with chunks
 * (1, cz, cy, cx) and fill NaN; chunks that are all NaN are not stored (as blend does).
 */
export async function writeLogits(
  url: string,
  logits: Float32Array,
  channels: number,
  shape: number[],
  chunk: number[],
  options: LogitsZarrOptions = {},
): Promise<void> {
  const dtype = options.dtype ?? 'float16';
  const v = await createVolume(url, {
    format: options.format ?? 'zarr2',
    shape: [channels, ...shape],
    chunkShape: [1, ...chunk],
    dtype,
    fillValue: NaN,
    ...(options.attributes ? { attributes: options.attributes } : {}),
  });
  const data = dtype === 'float16' ? float32ToFloat16(logits) : logits;
  await v.write({ start: [0, 0, 0, 0], stop: [channels, ...shape] }, { data, shape: [channels, ...shape], dtype });
}

/** Channel-major logits from a per-voxel function returning one value per channel. */
export function makeLogits(channels: number, shape: number[], f: (z: number, y: number, x: number) => number[]): Float32Array {
  const [Z, Y, X] = shape as [number, number, number];
  const n = Z * Y * X;
  const out = new Float32Array(channels * n);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        const v = f(z, y, x);
        for (let c = 0; c < channels; c++) out[c * n + (z * Y + y) * X + x] = v[c]!;
      }
  return out;
}

/** Reads array `path` of the OME-Zarr at `dir` with zarrita (v2 for NGFF 0.4, v3 for 0.5). */
export async function readWithZarrita(dir: string, path: string, version: '0.4' | '0.5'): Promise<{ data: Uint8Array | Float32Array; shape: number[] }> {
  const loc = zarr.root(new FileSystemStore(dir)).resolve(path);
  const arr = version === '0.4' ? await zarr.open.v2(loc, { kind: 'array' }) : await zarr.open.v3(loc, { kind: 'array' });
  const chunk = await zarr.get(arr);
  return { data: chunk.data as Uint8Array | Float32Array, shape: chunk.shape };
}

/** p = 1 / (1 + e^−x), written out independently of the package. */
export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** A Store wrapper that records the order of writes and deletes (a real store underneath). */
export function recording(store: Store): { store: Store; log: string[] } {
  const log: string[] = [];
  const wrapped: Store = {
    url: store.url,
    readOnly: store.readOnly,
    get: (key, range) => store.get(key, range),
    list: (prefix) => store.list(prefix),
    head: (key) => store.head(key),
    async set(key, bytes) {
      await store.set(key, bytes);
      log.push(`set ${key}`);
    },
    async delete(key) {
      await store.delete(key);
      log.push(`delete ${key}`);
    },
  };
  return { store: wrapped, log };
}
