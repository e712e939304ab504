/**
 * A byte range of an object. Ranges are clamped to the object: a range past the end yields fewer (or
 * zero) bytes, never an error.
 */
export type ByteRange =
  /** `length` bytes from `offset` (to the end when `length` is omitted). */
  | {
      /** First byte, 0-based. */
      offset: number;
      /** Number of bytes; omitted: to the end of the object. */
      length?: number;
    }
  /** The last `suffixLength` bytes. */
  | {
      /** Number of bytes at the end of the object. */
      suffixLength: number;
    };

/** What `head` knows about an object. */
export interface ObjectInfo {
  /** Size in bytes. */
  size: number;
  /** Entity tag or another version stamp (mtime+size locally), when the store knows one. */
  etag?: string;
}

/**
 * The one storage abstraction every format reads and writes through. Keys are relative,
 * '/'-separated paths below the store's root (no leading '/', no '..').
 */
export interface Store {
  /** The root this store was opened at, as a URL or path (for messages). */
  readonly url: string;
  /** True for stores that cannot be written (http(s)://, hf://). */
  readonly readOnly: boolean;
  /** The bytes under `key`, or `undefined` when the key does not exist. */
  get(key: string, range?: ByteRange): Promise<Uint8Array | undefined>;
  /** Writes `bytes` under `key` atomically: readers see the old object or the whole new one, never a part. */
  set(key: string, bytes: Uint8Array): Promise<void>;
  /** Every key below `prefix` (recursive), relative to the store root, sorted. */
  list(prefix?: string): Promise<string[]>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Size and version of `key`, or `undefined` when missing. */
  head(key: string): Promise<ObjectInfo | undefined>;
}
