/**
 * Typed errors of every store. Each message is one line that names the key/URL and says what to do.
 * Callers test with `instanceof`; wrappers such as `withRetry` read {@link StoreError.retryable}.
 */

/** Base class of every error this package throws. */
export class StoreError extends Error {
  /** The store root (URL or path) the error happened on. */
  readonly url: string;
  /** The key involved, when there is one. */
  readonly key: string | undefined;
  /** True when repeating the same request may succeed (throttling, 5xx, connection resets). */
  readonly retryable: boolean;

  constructor(message: string, options: { url: string; key?: string; retryable?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.url = options.url;
    this.key = options.key;
    this.retryable = options.retryable ?? false;
  }
}

/** A key that is absolute, contains `..`/`.`/empty segments, or would otherwise escape the store root. */
export class InvalidKeyError extends StoreError {
  constructor(key: string, url: string, reason: string) {
    super(
      `invalid key ${JSON.stringify(key)} for store ${url}: ${reason}; keys are relative '/'-separated paths below the store root`,
      { url, key },
    );
  }
}

/** `set`/`delete` on a store that cannot be written (http(s)://, hf://). */
export class ReadOnlyStoreError extends StoreError {
  constructor(url: string, key: string, operation: string) {
    super(`cannot ${operation} ${JSON.stringify(key)}: store ${url} is read-only; write to a local path or s3:// instead`, {
      url,
      key,
    });
  }
}

/** An operation this kind of store cannot do (for example `list` over plain HTTP). */
export class UnsupportedOperationError extends StoreError {
  constructor(url: string, operation: string, hint: string) {
    super(`store ${url} does not support ${operation}: ${hint}`, { url });
  }
}

/** A URL whose scheme no store handles, or that is malformed (e.g. `s3://` without a bucket). */
export class InvalidStoreUrlError extends StoreError {
  constructor(url: string, reason: string) {
    super(`cannot open store ${JSON.stringify(url)}: ${reason}`, { url });
  }
}

/** HTTP 401/403 from S3, an HTTP server or the hub. */
export class AccessDeniedError extends StoreError {
  /** HTTP status (401 or 403). */
  readonly status: number;
  constructor(target: string, url: string, hint: string, options: { key?: string; status?: number; cause?: unknown } = {}) {
    super(`access denied to ${target}: ${hint}`, { url, key: options.key, cause: options.cause });
    this.status = options.status ?? 403;
  }
}

/** The store's root itself does not exist: an S3 bucket, a hub repo or revision. Missing keys are not errors (`get` → `undefined`). */
export class StoreNotFoundError extends StoreError {
  constructor(target: string, url: string, hint: string, options: { key?: string; cause?: unknown } = {}) {
    super(`${target} not found: ${hint}`, { url, key: options.key, cause: options.cause });
  }
}

/** The server could not be reached at all (connection refused, unknown host). Not retried. */
export class EndpointUnreachableError extends StoreError {
  /** The endpoint (origin) that could not be reached. */
  readonly endpoint: string;
  constructor(endpoint: string, url: string, detail: string, options: { key?: string; cause?: unknown } = {}) {
    super(
      `cannot reach ${endpoint} (${detail}) while accessing ${url}: check the endpoint URL (AWS_ENDPOINT_URL, HF_ENDPOINT) and the network`,
      { url, key: options.key, cause: options.cause },
    );
    this.endpoint = endpoint;
  }
}

/** Any other failed request: carries the HTTP status (0 for transport errors such as connection resets). */
export class RemoteStoreError extends StoreError {
  /** HTTP status, or 0 when the connection failed mid-request. */
  readonly status: number;
  constructor(
    message: string,
    options: { url: string; key?: string; status: number; retryable?: boolean; cause?: unknown },
  ) {
    super(message, options);
    this.status = options.status;
  }
}

/** True for HTTP statuses worth retrying: throttling (429, 503 SlowDown) and other 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The Node/undici error code of `err` or of one of its causes (fetch wraps them in `TypeError: fetch failed`). */
export function networkErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Object; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || TRANSIENT_CODES.has(code))) return code;
    const errors = (e as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
    if (Array.isArray(errors) && errors.length > 0) e = errors[0];
    else e = (e as { cause?: unknown }).cause;
  }
  if (err instanceof Error && /socket hang up/i.test(err.message)) return 'ECONNRESET';
  return undefined;
}

/** Whether a network error code means "could not connect at all" rather than "connection broke". */
export function isUnreachableCode(code: string): boolean {
  return UNREACHABLE_CODES.has(code);
}
