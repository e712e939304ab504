/**
 * One entry point from a URL or path to a Store: `openStore('s3://bucket/prefix')`. The scheme picks
 * the implementation; remote stores come wrapped in {@link withRetry} unless `retry: false`.
 */
import { InvalidStoreUrlError } from './errors';
import { FileStore } from './file-store';
import { HttpStore, type HttpStoreOptions } from './http-store';
import { HubStore, type HubStoreOptions } from './hub-store';
import { S3Store, type S3StoreOptions } from './s3-store';
import type { Store } from './store';
import { withRetry, type RetryOptions } from './with-retry';

/** Options of {@link openStore}; each group goes to the matching store. */
export interface OpenStoreOptions {
  /** For `s3://` URLs. */
  s3?: S3StoreOptions;
  /** For `http://` and `https://` URLs. */
  http?: HttpStoreOptions;
  /** For `hf://` URLs. */
  hub?: HubStoreOptions;
  /** Retry policy of remote stores, or `false` for none (default: {@link withRetry}'s defaults). */
  retry?: RetryOptions | false;
}

/** The scheme of `url` in lower case (`'s3'`, `'http'`, `'file'`), or `''` for a plain local path. */
export function urlScheme(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  // One-letter "schemes" are Windows drive letters (C:\data).
  if (m === null || m[1] === undefined || m[1].length === 1) return '';
  return m[1].toLowerCase();
}

/**
 * Opens the store at `url`: a local path or `file://` URL → {@link FileStore}; `s3://bucket/prefix`
 * → {@link S3Store}; `http(s)://…` → {@link HttpStore} (read-only); `hf://org/repo[@revision]/path` → {@link HubStore}
 * (read-only). Remote stores are wrapped in {@link withRetry}. Throws {@link InvalidStoreUrlError} for
 * other schemes.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const scheme = urlScheme(url);
  const retry = (store: Store): Store => (options.retry === false ? store : withRetry(store, options.retry));
  switch (scheme) {
    case '':
    case 'file':
      return new FileStore(url);
    case 's3':
      return retry(new S3Store(url, options.s3));
    case 'http':
    case 'https':
      return retry(new HttpStore(url, options.http));
    case 'hf':
      return retry(new HubStore(url, options.hub));
    default:
      throw new InvalidStoreUrlError(url, `unsupported scheme '${scheme}:'; use a local path, file://, s3://, http(s):// or hf://`);
  }
}
