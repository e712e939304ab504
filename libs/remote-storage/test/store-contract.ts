/**
 * One suite of behaviour every Store must show, run against each implementation. Read-only stores get
 * the read half; their fixture serves the seed objects from outside the store.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidKeyError, ReadOnlyStoreError, UnsupportedOperationError, isFileStoreTempName, type Store } from '../src/index';

/** Objects every store under test starts with. */
export function contractSeed(): Map<string, Uint8Array> {
  const big = new Uint8Array(1000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
  return new Map<string, Uint8Array>([
    ['a.bin', big],
    ['dir/b.txt', new TextEncoder().encode('hello store')],
    ['dir/sub/c.bin', Uint8Array.from([1, 2, 3, 4, 5])],
    ['dirx/d', Uint8Array.from([9])],
    ['empty', new Uint8Array(0)],
  ]);
}

/** How the suite gets a store. */
export interface ContractFixture {
  /** A store holding exactly `seed` (writable stores may be empty: the suite writes the seed itself). */
  make(seed: Map<string, Uint8Array>): Promise<Store>;
  /** True for read-only stores. */
  readOnly?: boolean;
  /**
   * False when the backing server itself is not atomic under concurrent writers to one key (s3rver
   * streams PUT bodies straight into the object file; real S3 is atomic). Default true.
   */
  atomicConcurrentWrites?: boolean;
  /** False for stores that cannot list (plain HTTP): `list` must then fail with UnsupportedOperationError. */
  canList?: boolean;
  /** Raw names in the backing storage (including hidden temp files), to check that sets leave none. */
  rawNames?(): Promise<string[]>;
}

const INVALID_KEYS = ['../escape', 'a/../../escape', '/etc/passwd', 'a//b', './a', 'a\\..\\b'];

/** Registers the shared Store tests under `describe(name)`. */
export function storeContract(name: string, fixture: ContractFixture): void {
  describe(`Store contract: ${name}`, () => {
    const seed = contractSeed();
    let store: Store;

    beforeAll(async () => {
      store = await fixture.make(seed);
      if (!fixture.readOnly) for (const [k, v] of seed) await store.set(k, v);
    });

    it('gets whole objects; missing keys give undefined', async () => {
      expect(store.readOnly).toBe(fixture.readOnly ?? false);
      for (const [k, v] of seed) expect(await store.get(k), k).toEqual(v);
      expect(await store.get('missing.bin')).toBeUndefined();
      expect(await store.get('dir/missing/deeper')).toBeUndefined();
      expect(await store.head('missing.bin')).toBeUndefined();
    });

    it('gets byte ranges: offset+length, open-ended, suffix, clamped', async () => {
      const a = seed.get('a.bin')!;
      expect(await store.get('a.bin', { offset: 10, length: 20 })).toEqual(a.slice(10, 30));
      expect(await store.get('a.bin', { offset: 990 })).toEqual(a.slice(990));
      expect(await store.get('a.bin', { suffixLength: 17 })).toEqual(a.slice(983));
      expect(await store.get('a.bin', { offset: 995, length: 100 })).toEqual(a.slice(995));
      expect(await store.get('a.bin', { suffixLength: 5000 })).toEqual(a);
      expect(await store.get('a.bin', { offset: 0, length: 0 })).toEqual(new Uint8Array(0));
      expect(await store.get('missing.bin', { offset: 0, length: 4 })).toBeUndefined();
    });

    it('heads objects with size and a version stamp', async () => {
      const info = await store.head('a.bin');
      expect(info?.size).toBe(1000);
      expect(typeof info?.etag).toBe('string');
      expect((await store.head('dir/sub/c.bin'))?.size).toBe(5);
      expect((await store.head('empty'))?.size).toBe(0);
    });

    if (fixture.canList === false) {
      it('refuses to list with UnsupportedOperationError', async () => {
        await expect(store.list()).rejects.toBeInstanceOf(UnsupportedOperationError);
      });
    } else it('lists recursively, sorted, by directory prefix', async () => {
      expect(await store.list()).toEqual([...seed.keys()].sort());
      expect(await store.list('')).toEqual([...seed.keys()].sort());
      expect(await store.list('dir')).toEqual(['dir/b.txt', 'dir/sub/c.bin']);
      expect(await store.list('dir/')).toEqual(['dir/b.txt', 'dir/sub/c.bin']);
      expect(await store.list('dir/sub')).toEqual(['dir/sub/c.bin']);
      expect(await store.list('nothing/here')).toEqual([]);
    });

    it('rejects keys that escape the root with InvalidKeyError naming the key and store', async () => {
      for (const key of INVALID_KEYS) {
        const err = await store.get(key).catch((e: unknown) => e);
        expect(err, key).toBeInstanceOf(InvalidKeyError);
        expect((err as Error).message).toContain(JSON.stringify(key));
        expect((err as Error).message).toContain(store.url);
        await expect(store.head(key), key).rejects.toBeInstanceOf(InvalidKeyError);
      }
      await expect(store.list('../up')).rejects.toBeInstanceOf(InvalidKeyError);
    });

    if (fixture.readOnly) {
      it('refuses writes with ReadOnlyStoreError', async () => {
        await expect(store.set('new.bin', new Uint8Array(1))).rejects.toBeInstanceOf(ReadOnlyStoreError);
        await expect(store.delete('a.bin')).rejects.toBeInstanceOf(ReadOnlyStoreError);
        expect(await store.get('a.bin')).toEqual(seed.get('a.bin'));
      });
      return;
    }

    it('sets, overwrites and deletes; deleting a missing key is fine', async () => {
      const key = 'w/deep/nested/x.bin';
      await store.set(key, Uint8Array.from([1, 2, 3]));
      expect(await store.get(key)).toEqual(Uint8Array.from([1, 2, 3]));
      await store.set(key, Uint8Array.from([4, 5]));
      expect(await store.get(key)).toEqual(Uint8Array.from([4, 5]));
      expect((await store.head(key))?.size).toBe(2);
      expect(await store.list('w')).toEqual([key]);
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.head(key)).toBeUndefined();
      expect(await store.list('w')).toEqual([]);
      await store.delete(key);
      await store.delete('never/was');
      for (const k of INVALID_KEYS) {
        await expect(store.set(k, new Uint8Array(1)), k).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.delete(k), k).rejects.toBeInstanceOf(InvalidKeyError);
      }
    });

    if (fixture.atomicConcurrentWrites !== false) it('writes atomically: concurrent writers leave one whole value and no temp files', async () => {
      const one = new Uint8Array(300_000).fill(1);
      const two = new Uint8Array(300_000).fill(2);
      await Promise.all([store.set('race.bin', one), store.set('race.bin', two), store.set('race.bin', one)]);
      const got = await store.get('race.bin');
      expect(got?.length).toBe(300_000);
      const first = got![0]!;
      expect(first === 1 || first === 2).toBe(true);
      expect(got!.every((b) => b === first)).toBe(true);
      expect((await store.list()).filter((k) => k.includes('race'))).toEqual(['race.bin']);
      if (fixture.rawNames) {
        const raw = await fixture.rawNames();
        expect(raw.filter((n) => isFileStoreTempName(n.split('/').pop()!) || n.includes('tmp'))).toEqual([]);
      }
      await store.delete('race.bin');
    });
  });
}

/** Writes `seed` as plain files below `dir` (for read-only stores served from a directory). */
export async function writeSeedFiles(dir: string, seed: Map<string, Uint8Array>): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  for (const [key, bytes] of seed) {
    const path = join(dir, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}
