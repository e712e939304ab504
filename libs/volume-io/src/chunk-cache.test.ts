import { describe, expect, it } from 'vitest';
import { ChunkCache, type LoadedChunk } from './chunk-cache';

const chunk = (bytes: number, fetched = bytes / 2): LoadedChunk => ({ data: new Uint8Array(bytes), fetchedBytes: fetched });

describe('ChunkCache', () => {
  it('loads once, then serves hits; counts bytes fetched and chunks decoded', async () => {
    const cache = new ChunkCache({ maxBytes: 1000 });
    let loads = 0;
    const load = async (): Promise<LoadedChunk> => (loads++, chunk(100));
    const a = await cache.get('a', load);
    const b = await cache.get('a', load);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    expect(cache.stats).toEqual({ bytesFetched: 50, chunksDecoded: 1, hits: 1, misses: 1, evictions: 0 });
    expect(cache.bytes).toBe(100);
  });

  it('shares one in-flight load between concurrent requests', async () => {
    const cache = new ChunkCache();
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async (): Promise<LoadedChunk> => {
      loads++;
      await gate;
      return chunk(10);
    };
    const all = Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]);
    release();
    const [x, y, z] = await all;
    expect(loads).toBe(1);
    expect(x).toBe(y);
    expect(y).toBe(z);
    expect(cache.stats.misses).toBe(1);
    expect(cache.stats.hits).toBe(2);
    expect(cache.stats.chunksDecoded).toBe(1);
  });

  it('evicts least recently used chunks to stay within maxBytes', async () => {
    const cache = new ChunkCache({ maxBytes: 250 });
    for (const k of ['a', 'b']) await cache.get(k, async () => chunk(100));
    await cache.get('a', async () => chunk(100)); // a is now the most recent
    await cache.get('c', async () => chunk(100)); // evicts b
    expect(cache.stats.evictions).toBe(1);
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')).toBeDefined();
    expect(cache.bytes).toBe(200);
    // Too big to cache at all: returned, not kept, nothing evicted.
    const big = await cache.get('big', async () => chunk(1000));
    expect(big.data?.length).toBe(1000);
    expect(cache.peek('big')).toBeUndefined();
    expect(cache.stats.evictions).toBe(1);
  });

  it('absent chunks are cached cheaply and not counted as decoded', async () => {
    const cache = new ChunkCache();
    await cache.get('gone', async () => ({ data: null, fetchedBytes: 0 }));
    await cache.get('gone', async () => chunk(8));
    expect(cache.peek('gone')?.data).toBeNull();
    expect(cache.stats.chunksDecoded).toBe(0);
    expect(cache.stats.hits).toBe(1);
  });

  it('a failed load is not cached and the next request retries', async () => {
    const cache = new ChunkCache();
    await expect(cache.get('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const ok = await cache.get('x', async () => chunk(4));
    expect(ok.data?.length).toBe(4);
    expect(cache.stats.misses).toBe(2);
  });

  it('set() replaces an entry, also one whose load is still running', async () => {
    const cache = new ChunkCache();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pending = cache.get('k', async () => (await gate, chunk(4)));
    const written = { data: Uint8Array.of(9) };
    cache.set('k', written);
    release();
    await pending;
    expect(cache.peek('k')).toBe(written);
    cache.deletePrefix('k');
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    cache.resetStats();
    expect(cache.stats.misses).toBe(0);
  });
});
