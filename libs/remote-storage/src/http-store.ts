/**
 * A read-only Store over plain `http(s)://` URLs: keys are appended to the base URL, byte ranges become
 * `Range` requests (206). HTTP has no listing, so `list` throws {@link UnsupportedOperationError}.
 */
import { checkRange, fitRange, isEmptyRange, parseContentRange, rangeHeader } from './byte-range';
import {
  AccessDeniedError,
  EndpointUnreachableError,
  ReadOnlyStoreError,
  RemoteStoreError,
  UnsupportedOperationError,
  isRetryableStatus,
  isUnreachableCode,
  networkErrorCode,
  StoreError,
  InvalidStoreUrlError,
} from './errors';
import { checkKey, checkPrefix } from './keys';
import type { ByteRange, ObjectInfo, Store } from './store';

/** Options of {@link HttpStore}. */
export interface HttpStoreOptions {
  /** Extra headers on every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

/** Read-only store over an HTTP(S) base URL; see the module comment. */
export class HttpStore implements Store {
  readonly url: string;
  readonly readOnly = true;
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;

  /** @param url base URL; keys are resolved below it (a trailing '/' is added when missing). */
  constructor(url: string, options: HttpStoreOptions = {}) {
    let base: URL;
    try {
      base = new URL(url);
    } catch (err) {
      throw new InvalidStoreUrlError(url, `not a valid URL (${(err as Error).message})`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new InvalidStoreUrlError(url, 'expected http:// or https://');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
    this.url = base.href.replace(/\/$/, '');
    this.headers = options.headers ?? {};
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The full URL of `key`. */
  urlOf(key: string): string {
    checkKey(key, this.url);
    const u = new URL(key.split('/').map(encodeURIComponent).join('/'), this.base);
    u.search = this.base.search;
    return u.href;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array | undefined> {
    const target = this.urlOf(key);
    checkRange(range, target);
    if (isEmptyRange(range)) return (await this.head(key)) === undefined ? undefined : new Uint8Array(0);
    const res = await this.request(target, key, 'GET', range ? { range: rangeHeader(range) } : {});
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status === 416) {
      await res.body?.cancel();
      return new Uint8Array(0);
    }
    await this.throwUnlessOk(res, target, key, 'GET');
    const body = new Uint8Array(await res.arrayBuffer());
    if (range === undefined) return body;
    const fitted = fitRange(body, range, res.status === 206 ? parseContentRange(res.headers.get('content-range')) : undefined);
    if (fitted instanceof Uint8Array) return fitted;
    return 'suffixLength' in range ? this.get(key, fitted.refetch) : body;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const target = this.urlOf(key);
    const res = await this.request(target, key, 'HEAD', {});
    if (res.status === 404 || res.status === 410) return undefined;
    await this.throwUnlessOk(res, target, key, 'HEAD');
    const length = res.headers.get('content-length');
    if (length === null) {
      throw new RemoteStoreError(`HEAD ${target} returned no Content-Length; the server cannot report object sizes`, {
        url: this.url,
        key,
        status: res.status,
      });
    }
    const etag = res.headers.get('etag')?.replace(/^W\//, '').replace(/^"|"$/g, '');
    return { size: Number(length), ...(etag ? { etag } : {}) };
  }

  async list(prefix?: string): Promise<string[]> {
    checkPrefix(prefix, this.url);
    throw new UnsupportedOperationError(this.url, 'list', 'plain HTTP servers cannot list keys; open the data by its exact paths or serve it from s3:// instead');
  }

  async set(key: string): Promise<void> {
    checkKey(key, this.url);
    throw new ReadOnlyStoreError(this.url, key, 'write');
  }

  async delete(key: string): Promise<void> {
    checkKey(key, this.url);
    throw new ReadOnlyStoreError(this.url, key, 'delete');
  }

  private async request(target: string, key: string, method: string, headers: Record<string, string>): Promise<Response> {
    try {
      return await this.fetchImpl(target, { method, headers: { ...this.headers, ...headers } });
    } catch (err) {
      const code = networkErrorCode(err);
      if (code !== undefined && isUnreachableCode(code)) {
        throw new EndpointUnreachableError(this.base.origin, target, code, { key, cause: err });
      }
      throw new RemoteStoreError(`${method} ${target} failed: ${code ?? (err as Error).message}`, {
        url: this.url,
        key,
        status: 0,
        retryable: code !== undefined,
        cause: err,
      });
    }
  }

  private async throwUnlessOk(res: Response, target: string, key: string, method: string): Promise<void> {
    if (res.ok) return;
    await res.body?.cancel();
    if (res.status === 401 || res.status === 403) {
      throw new AccessDeniedError(target, this.url, `the server answered ${res.status}; pass credentials in the store's headers option or check the URL`, {
        key,
        status: res.status,
      });
    }
    const error: StoreError = new RemoteStoreError(`${method} ${target} failed: HTTP ${res.status} ${res.statusText}`, {
      url: this.url,
      key,
      status: res.status,
      retryable: isRetryableStatus(res.status),
    });
    throw error;
  }
}
