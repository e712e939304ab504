import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import {
  FileStore,
  InvalidKeyError,
  ReadOnlyStoreError,
  openStore,
  startFakeHub,
  startS3rver,
  startStaticServer,
  toZarritaStore,
  withByteCounter,
  type FakeHubHandle,
  type S3rverHandle,
  type StaticServerHandle,
  type Store,
} from './index';

// A 6×8 uint16 array in 3×4 chunks; values are their own flat index, so any read can be checked.
const SHAPE = [6, 8];
const values = Uint16Array.from({ length: 48 }, (_, i) => i * 3);

async function writeArray(store: Store, path: string): Promise<void> {
  const arr = await zarr.create(zarr.root(toZarritaStore(store)).resolve(path), {
    shape: SHAPE,
    chunkShape: [3, 4],
    dtype: 'uint16',
  });
  await zarr.set(arr, null, { data: values, shape: SHAPE, stride: [8, 1] });
}

async function readBlock(store: Store, path: string): Promise<number[]> {
  const arr = await zarr.open.v3(zarr.root(toZarritaStore(store)).resolve(path), { kind: 'array' });
  const block = await zarr.get(arr, [zarr.slice(2, 5), zarr.slice(3, 6)]);
  expect(block.shape).toEqual([3, 3]);
  return Array.from(block.data as Uint16Array);
}

// Rows 2..4, columns 3..5 of the flat-index array, times 3.
const EXPECTED_BLOCK = [2, 3, 4].flatMap((r) => [3, 4, 5].map((c) => (r * 8 + c) * 3));

let dir: string;
let s3: S3rverHandle;
let http: StaticServerHandle;
let hub: FakeHubHandle;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-zarrita-'));
  await writeArray(new FileStore(join(dir, 'repo')), 'vol');
  [s3, http, hub] = await Promise.all([
    startS3rver(),
    startStaticServer({ root: join(dir, 'repo') }),
    startFakeHub({ repos: { 'org/vol': join(dir, 'repo') } }),
  ]);
});
afterAll(async () => {
  await Promise.all([s3?.close(), http?.close(), hub?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('zarrita through any Store', () => {
  it('reads an array from a local path', async () => {
    expect(await readBlock(new FileStore(join(dir, 'repo')), 'vol')).toEqual(EXPECTED_BLOCK);
  });

  it('writes and reads an array on S3, touching only the chunks it needs', async () => {
    const store = withByteCounter(await openStore(`s3://${s3.bucket}/zarr`, { s3: s3.storeOptions }));
    await writeArray(store, 'vol');
    expect((await store.list('vol')).sort()).toEqual(
      ['vol/zarr.json', 'vol/c/0/0', 'vol/c/0/1', 'vol/c/1/0', 'vol/c/1/1'].sort(),
    );
    store.resetStats();
    expect(await readBlock(store, 'vol')).toEqual(EXPECTED_BLOCK);
    // zarr.json plus the four chunks the block overlaps (rows 2..4 span both chunk rows, cols 3..5 both chunk cols).
    expect(store.stats.gets).toBe(5);
  });

  it('reads an array over plain HTTP and from the hub', async () => {
    expect(await readBlock(await openStore(http.url), 'vol')).toEqual(EXPECTED_BLOCK);
    const hubStore = await openStore('hf://org/vol', { hub: { hubUrl: hub.hubUrl, cacheDir: join(dir, 'hf-cache') } });
    expect(await readBlock(hubStore, 'vol')).toEqual(EXPECTED_BLOCK);
  });

  it('passes store errors through: read-only stores refuse writes, escaping keys are rejected', async () => {
    await expect(writeArray(await openStore(http.url), 'new')).rejects.toBeInstanceOf(ReadOnlyStoreError);
    const z = toZarritaStore(new FileStore(join(dir, 'repo')));
    await expect(z.get('/../outside/zarr.json')).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(z.get('no-leading-slash' as '/x')).rejects.toBeInstanceOf(InvalidKeyError);
  });
});
