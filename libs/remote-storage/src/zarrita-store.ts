/**
 * Adapter from a {@link Store} to the store interface zarrita 0.7 expects (`AsyncMutable` from
 * `@zarrita/storage`): zarrita passes absolute keys (`/zarr.json`, `/c/0/0`) and `{offset,length}` or
 * `{suffixLength}` ranges; our keys are relative, so the leading '/' is stripped and the rest is checked
 * by the wrapped store as usual.
 */
import type { AbsolutePath, AsyncMutable, RangeQuery } from 'zarrita';
import { InvalidKeyError } from './errors';
import type { Store } from './store';

/** What {@link toZarritaStore} returns: a zarrita store, plus the Store it reads and writes through. */
export interface ZarritaStore extends AsyncMutable {
  /** The wrapped store. */
  readonly store: Store;
  /** The object at zarrita's absolute `key` (`/a/b` → Store key `a/b`), or undefined when absent. */
  get(key: AbsolutePath): Promise<Uint8Array | undefined>;
  /** A byte range of the object at `key`, or undefined when absent. */
  getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined>;
  /** Writes the object at `key` (atomically, through the Store). */
  set(key: AbsolutePath, value: Uint8Array): Promise<void>;
}

function relativeKey(key: string, store: Store): string {
  if (!key.startsWith('/')) {
    throw new InvalidKeyError(key, store.url, "zarrita keys must start with '/'");
  }
  return key.slice(1);
}

/**
 * Wraps `store` so zarrita can read and write through it:
 * `zarr.create(zarr.root(toZarritaStore(store)), {...})`, `zarr.open(toZarritaStore(store))`.
 * Wrappers such as {@link withRetry} and {@link withByteCounter} go around `store` first.
 */
export function toZarritaStore(store: Store): ZarritaStore {
  return {
    store,
    get: async (key) => store.get(relativeKey(key, store)),
    getRange: async (key, range) => store.get(relativeKey(key, store), range),
    set: async (key, value) => store.set(relativeKey(key, store), value),
  };
}
