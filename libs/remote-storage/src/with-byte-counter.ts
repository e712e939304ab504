/**
 * `withByteCounter(store)`: counts requests and bytes that pass through a store, so callers can report
 * read amplification (bytes fetched vs. bytes used). Compose it outside `withRetry` to count logical
 * operations, inside to count every attempt.
 */
import type { ByteRange, ObjectInfo, Store } from './store';

/** Counters kept by {@link withByteCounter}. */
export interface ByteCounterStats {
  /** All operations (get + set + list + delete + head). */
  requests: number;
  /** `get` calls, including those that found nothing. */
  gets: number;
  /** `get` calls that returned `undefined`. */
  misses: number;
  /** `set` calls. */
  sets: number;
  /** `list` calls. */
  lists: number;
  /** `delete` calls. */
  deletes: number;
  /** `head` calls. */
  heads: number;
  /** Bytes returned by `get`. */
  bytesRead: number;
  /** Bytes passed to `set`. */
  bytesWritten: number;
}

/** A store wrapped by {@link withByteCounter}. */
export interface CountingStore extends Store {
  /** Live counters (the object is updated in place). */
  readonly stats: Readonly<ByteCounterStats>;
  /** Sets every counter back to zero. */
  resetStats(): void;
  /** The wrapped store. */
  readonly inner: Store;
}

function zeroStats(): ByteCounterStats {
  return { requests: 0, gets: 0, misses: 0, sets: 0, lists: 0, deletes: 0, heads: 0, bytesRead: 0, bytesWritten: 0 };
}

/** Wraps `store` so every operation is counted in `stats`. Behaviour is otherwise unchanged. */
export function withByteCounter(store: Store): CountingStore {
  const stats = zeroStats();
  return {
    inner: store,
    get url() {
      return store.url;
    },
    get readOnly() {
      return store.readOnly;
    },
    stats,
    resetStats() {
      Object.assign(stats, zeroStats());
    },
    async get(key: string, range?: ByteRange): Promise<Uint8Array | undefined> {
      stats.requests++;
      stats.gets++;
      const bytes = await store.get(key, range);
      if (bytes === undefined) stats.misses++;
      else stats.bytesRead += bytes.byteLength;
      return bytes;
    },
    async set(key: string, bytes: Uint8Array): Promise<void> {
      stats.requests++;
      stats.sets++;
      await store.set(key, bytes);
      stats.bytesWritten += bytes.byteLength;
    },
    list(prefix?: string): Promise<string[]> {
      stats.requests++;
      stats.lists++;
      return store.list(prefix);
    },
    delete(key: string): Promise<void> {
      stats.requests++;
      stats.deletes++;
      return store.delete(key);
    },
    head(key: string): Promise<ObjectInfo | undefined> {
      stats.requests++;
      stats.heads++;
      return store.head(key);
    },
  };
}
