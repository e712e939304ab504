import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { storeContract } from '../test/store-contract';
import { FileStore, InvalidKeyError, openStore, toZarritaStore, withByteCounter } from './index';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'vf-filestore-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function rawNames(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String);
}

let lastDir = '';
storeContract('FileStore (path)', {
  async make() {
    lastDir = await tempDir();
    return new FileStore(lastDir);
  },
  rawNames: () => rawNames(lastDir),
});

let urlDir = '';
storeContract('FileStore (file:// via openStore)', {
  async make() {
    urlDir = await tempDir();
    return openStore(pathToFileURL(join(urlDir, 'root')).href);
  },
  rawNames: () => rawNames(urlDir),
});

describe('FileStore specifics', () => {
  it('keeps writes inside the root and names the offending key', async () => {
    const dir = await tempDir();
    const store = new FileStore(join(dir, 'inner'));
    const err = await store.set('../outside.bin', new Uint8Array(4)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidKeyError);
    expect((err as Error).message).toMatch(/"\.\.\/outside\.bin".*inner/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('hides leftover temp files from list and get', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a'));
    await writeFile(join(dir, 'a', '.x.bin.0123456789ab~vftmp'), 'partial');
    const store = new FileStore(dir);
    await store.set('a/x.bin', Uint8Array.from([7]));
    expect(await store.list()).toEqual(['a/x.bin']);
  });

  it('changes the etag when the content changes', async () => {
    const store = new FileStore(await tempDir());
    await store.set('k', Uint8Array.from([1]));
    const before = (await store.head('k'))!.etag;
    await new Promise((r) => setTimeout(r, 5));
    await store.set('k', Uint8Array.from([1, 2]));
    expect((await store.head('k'))!.etag).not.toBe(before);
  });

  it('lets zarrita create, write and read a v3 array through the adapter', async () => {
    const dir = await tempDir();
    const counted = withByteCounter(new FileStore(dir));
    const zstore = toZarritaStore(counted);
    const arr = await zarr.create(zarr.root(zstore).resolve('vol'), {
      shape: [4, 6],
      chunkShape: [2, 3],
      dtype: 'float32',
    });
    const data = new Float32Array(24);
    for (let i = 0; i < 24; i++) data[i] = i * 0.5;
    await zarr.set(arr, null, { data, shape: [4, 6], stride: [6, 1] });
    const keys = await new FileStore(dir).list();
    expect(keys).toContain('vol/zarr.json');
    expect(keys.filter((k) => k.startsWith('vol/c/')).length).toBe(4);

    const reopened = await zarr.open.v3(zarr.root(toZarritaStore(new FileStore(dir))).resolve('vol'), { kind: 'array' });
    const part = await zarr.get(reopened, [zarr.slice(1, 3), zarr.slice(2, 5)]);
    expect(part.shape).toEqual([2, 3]);
    expect(Array.from(part.data as Float32Array)).toEqual([4, 4.5, 5, 7, 7.5, 8]);
    expect(counted.stats.bytesWritten).toBeGreaterThan(24 * 4);
  });
});
