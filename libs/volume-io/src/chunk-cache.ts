/**
 * An LRU cache of decoded chunks, bounded in bytes and shared by every reader that is handed it.
 * Concurrent requests for one chunk share a single load, so each chunk is fetched and decoded once
 * while it stays cached. The counters let callers report read amplification
 * (`stats.bytesFetched` against the bytes they actually needed).
 */
import type { TypedArray } from './types';

/** A decoded chunk, or `null` data for a chunk that is absent from storage (all fill value). */
export interface CachedChunk {
  /** The decoded voxels (C order, the array's dtype), or null for an absent chunk. */
  data: TypedArray | null;
}

/** What a chunk loader reports back to the cache. */
export interface LoadedChunk extends CachedChunk {
  /** Encoded bytes read from the store to produce it (0 for an absent chunk). */
  fetchedBytes: number;
}

/** Counters of a {@link ChunkCache} (live; reset with `resetStats`). */
export interface ChunkCacheStats {
  /** Encoded bytes read from stores by chunk loads. */
  bytesFetched: number;
  /** Chunks decoded (absent chunks are not counted). */
  chunksDecoded: number;
  /** Requests served from the cache or from a load already in flight. */
  hits: number;
  /** Requests that started a load. */
  misses: number;
  /** Chunks dropped to stay within `maxBytes`. */
  evictions: number;
}

/** Options of {@link ChunkCache}. */
export interface ChunkCacheOptions {
  /** Upper bound on the decoded bytes held (default 256 MiB). */
  maxBytes?: number;
}

/** Bookkeeping size of an absent chunk, so a flood of them stays bounded too. */
const ABSENT_BYTES = 64;

/** An LRU of decoded chunks bounded in bytes; see the module comment. */
export class ChunkCache {
  /** Upper bound on the decoded bytes held. */
  readonly maxBytes: number;
  /** Counters since creation (or the last reset): fetched bytes, decodes, hits, misses, evictions. */
  readonly stats: ChunkCacheStats = { bytesFetched: 0, chunksDecoded: 0, hits: 0, misses: 0, evictions: 0 };
  #entries = new Map<string, CachedChunk>();
  #inFlight = new Map<string, Promise<CachedChunk>>();
  #bytes = 0;

  constructor(options: ChunkCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  /** Decoded bytes currently held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Chunks currently held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The chunk under `key`: from the cache, from a load already running, or from `load()`.
   * The returned data is shared: treat it as read-only.
   */
  get(key: string, load: () => Promise<LoadedChunk>): Promise<CachedChunk> {
    const hit = this.#entries.get(key);
    if (hit) {
      this.stats.hits++;
      // Re-insert to mark it most recently used.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return Promise.resolve(hit);
    }
    const running = this.#inFlight.get(key);
    if (running) {
      this.stats.hits++;
      return running;
    }
    this.stats.misses++;
    const promise = load().then(
      (loaded) => {
        this.stats.bytesFetched += loaded.fetchedBytes;
        if (loaded.data) this.stats.chunksDecoded++;
        const chunk: CachedChunk = { data: loaded.data };
        // Only cache if no write replaced the entry while we were loading.
        if (this.#inFlight.get(key) === promise) this.#put(key, chunk);
        this.#inFlight.delete(key);
        return chunk;
      },
      (err: unknown) => {
        this.#inFlight.delete(key);
        throw err;
      },
    );
    this.#inFlight.set(key, promise);
    return promise;
  }

  /** The cached chunk under `key` without loading or counting (undefined when not cached). */
  peek(key: string): CachedChunk | undefined {
    return this.#entries.get(key);
  }

  /** Stores a chunk just written, so reading it back costs no fetch or decode. */
  set(key: string, chunk: CachedChunk): void {
    this.#inFlight.delete(key);
    this.#put(key, chunk);
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#inFlight.delete(key);
    const old = this.#entries.get(key);
    if (old) {
      this.#bytes -= sizeOf(old);
      this.#entries.delete(key);
    }
  }

  /** Forgets every key that starts with `prefix` (e.g. one array's). */
  deletePrefix(prefix: string): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.delete(key);
    for (const key of [...this.#inFlight.keys()]) if (key.startsWith(prefix)) this.#inFlight.delete(key);
  }

  /** Drops every chunk (counters are kept). */
  clear(): void {
    this.#entries.clear();
    this.#inFlight.clear();
    this.#bytes = 0;
  }

  /** Sets every counter back to zero. */
  resetStats(): void {
    Object.assign(this.stats, { bytesFetched: 0, chunksDecoded: 0, hits: 0, misses: 0, evictions: 0 });
  }

  #put(key: string, chunk: CachedChunk): void {
    const size = sizeOf(chunk);
    const old = this.#entries.get(key);
    if (old) {
      this.#bytes -= sizeOf(old);
      this.#entries.delete(key);
    }
    if (size > this.maxBytes) return;
    this.#entries.set(key, chunk);
    this.#bytes += size;
    while (this.#bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      const victim = this.#entries.get(oldest.value)!;
      this.#entries.delete(oldest.value);
      this.#bytes -= sizeOf(victim);
      this.stats.evictions++;
    }
  }
}

function sizeOf(chunk: CachedChunk): number {
  return chunk.data ? chunk.data.byteLength : ABSENT_BYTES;
}

/** The cache volumes use unless given another (256 MiB). */
export const defaultChunkCache: ChunkCache = new ChunkCache();

/** The cache key of one chunk: store URL, array path and chunk coordinates. */
export function chunkCacheKey(storeUrl: string, arrayPath: string, coords: readonly number[]): string {
  return `${storeUrl}|${arrayPath}|${coords.join(',')}`;
}
