import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractSeed, storeContract, writeSeedFiles } from '../test/store-contract';
import {
  AccessDeniedError,
  HubStore,
  StoreError,
  StoreNotFoundError,
  hfHubCacheDir,
  openStore,
  parseHfUrl,
  startFakeHub,
  type FakeHubHandle,
} from './index';

let dir: string;
let hub: FakeHubHandle;
let privateHub: FakeHubHandle;
const TOKEN = 'hf_testtoken123';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-hub-'));
  await writeSeedFiles(join(dir, 'repo'), contractSeed());
  await writeSeedFiles(join(dir, 'ds', 'sub'), contractSeed());
  // a.bin (1000 B) is an LFS file on this hub; small tree pages exercise the Link pagination.
  hub = await startFakeHub({ repos: { 'org/model': join(dir, 'repo'), 'datasets/org/ds': join(dir, 'ds') }, lfsThreshold: 500, treePageSize: 2 });
  privateHub = await startFakeHub({ repos: { 'org/private': join(dir, 'repo') }, token: TOKEN });
});
afterAll(async () => {
  await hub?.close();
  await privateHub?.close();
  await rm(dir, { recursive: true, force: true });
});

let cacheCount = 0;
async function freshCache(): Promise<string> {
  return join(dir, `cache-${cacheCount++}`);
}

storeContract('HubStore (model repo)', {
  make: async () => new HubStore('hf://org/model', { hubUrl: hub.hubUrl, cacheDir: await freshCache(), accessToken: undefined }),
  readOnly: true,
});
storeContract('HubStore (dataset, sub-path, via openStore)', {
  make: async () => openStore('hf://datasets/org/ds@main/sub', { hub: { hubUrl: hub.hubUrl, cacheDir: await freshCache() } }),
  readOnly: true,
});

describe('HubStore specifics', () => {
  it('parses hf URLs', () => {
    expect(parseHfUrl('hf://org/repo')).toEqual({ type: 'model', name: 'org/repo', revision: 'main', path: '' });
    expect(parseHfUrl('hf://datasets/o/d@refs%2Fpr%2F1/a/b/')).toEqual({ type: 'dataset', name: 'o/d', revision: 'refs/pr/1', path: 'a/b' });
    expect(() => parseHfUrl('hf://justone')).toThrow(StoreError);
    expect(() => parseHfUrl('hf://o/r/../x')).toThrow(/invalid/);
  });

  it('resolves the cache dir like the Python client', () => {
    expect(hfHubCacheDir({ HF_HUB_CACHE: '/a', HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c' })).toBe('/a');
    expect(hfHubCacheDir({ HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c' })).toBe('/b');
    expect(hfHubCacheDir({ HF_HOME: '/c', XDG_CACHE_HOME: '/x' })).toBe(join('/c', 'hub'));
    expect(hfHubCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'huggingface', 'hub'));
  });

  it('fills the standard cache layout and reads cached files without requests', async () => {
    const cacheDir = await freshCache();
    const debug = vi.spyOn(console, 'debug');
    const sha = hub.sha('org/model');
    const store = new HubStore('hf://org/model', { hubUrl: hub.hubUrl, cacheDir });
    const a = contractSeed().get('a.bin')!;
    expect(await store.get('a.bin')).toEqual(a);
    expect(debug).not.toHaveBeenCalled();
    debug.mockRestore();

    const folder = join(cacheDir, 'models--org--model');
    expect((await readFile(join(folder, 'refs', 'main'), 'utf8')).trim()).toBe(sha);
    // LFS files are stored under their sha256; the snapshot entry is a symlink to the blob.
    const sha256 = createHash('sha256').update(a).digest('hex');
    expect(await readdir(join(folder, 'blobs'))).toEqual([sha256]);
    const pointer = join(folder, 'snapshots', sha, 'a.bin');
    expect((await lstat(pointer)).isSymbolicLink()).toBe(true);
    expect(await readlink(pointer)).toContain(sha256);

    // Pinned to the commit and already cached: no request at all.
    hub.requests.length = 0;
    const pinned = new HubStore(`hf://org/model@${sha}`, { hubUrl: hub.hubUrl, cacheDir });
    expect(await pinned.get('a.bin', { offset: 10, length: 5 })).toEqual(a.slice(10, 15));
    expect(hub.requests).toEqual([]);
  });

  it('works offline from the cache once a revision was resolved', async () => {
    const cacheDir = await freshCache();
    await new HubStore('hf://org/model', { hubUrl: hub.hubUrl, cacheDir }).get('dir/b.txt');
    hub.requests.length = 0;
    const offline = new HubStore('hf://org/model', { hubUrl: hub.hubUrl, cacheDir, offline: true });
    expect(new TextDecoder().decode(await offline.get('dir/b.txt'))).toBe('hello store');
    expect(await offline.list()).toEqual(['dir/b.txt']);
    await expect(offline.get('a.bin')).rejects.toThrow(/not in the hub cache.*HF_HUB_OFFLINE/);
    expect(hub.requests).toEqual([]);
  });

  it('reports a missing repo or revision as StoreNotFoundError naming it', async () => {
    const cacheDir = await freshCache();
    const err = await new HubStore('hf://org/nope/x', { hubUrl: hub.hubUrl, cacheDir }).get('a.bin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreNotFoundError);
    expect((err as Error).message).toContain('org/nope');
    expect((err as Error).message).toContain('check the repo id and revision');
    const rev = await new HubStore('hf://org/model@v9', { hubUrl: hub.hubUrl, cacheDir }).list().catch((e: unknown) => e);
    expect(rev).toBeInstanceOf(StoreNotFoundError);
    expect((rev as Error).message).toContain('revision v9');
  });

  it('honours HF_ENDPOINT, HF_TOKEN and HF_HUB_CACHE', async () => {
    const cacheDir = await freshCache();
    vi.stubEnv('HF_ENDPOINT', privateHub.hubUrl);
    vi.stubEnv('HF_HUB_CACHE', cacheDir);
    vi.stubEnv('HF_TOKEN', '');
    vi.stubEnv('HUGGING_FACE_HUB_TOKEN', '');
    vi.stubEnv('HF_TOKEN_PATH', join(dir, 'no-token-file'));
    try {
      const denied = await (await openStore('hf://org/private', { retry: false })).get('a.bin').catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(AccessDeniedError);
      expect((denied as Error).message).toContain('HF_TOKEN');
      vi.stubEnv('HF_TOKEN', TOKEN);
      const store = await openStore('hf://org/private');
      expect(await store.get('dir/sub/c.bin')).toEqual(Uint8Array.from([1, 2, 3, 4, 5]));
      expect(await readdir(join(cacheDir, 'models--org--private', 'snapshots'))).toEqual([privateHub.sha('org/private')]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('rejects a token that is not an hf_ token up front', () => {
    expect(() => new HubStore('hf://org/model', { accessToken: 'nope' })).toThrow(/must start with 'hf_'/);
  });
});
