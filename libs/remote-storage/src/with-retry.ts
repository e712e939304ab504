/**
 * `withRetry(store)`: repeats failed operations with exponential backoff and jitter when the failure is
 * transient — throttling (429, 503 SlowDown), other 5xx, connection resets. Permanent failures (403,
 * 404, invalid keys, unreachable endpoints) fail at once. Every Store operation is idempotent (whole-
 * object writes), so all of them are retried.
 */
import { StoreError, networkErrorCode, isUnreachableCode } from './errors';
import type { ByteRange, ObjectInfo, Store } from './store';

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Retries after the first attempt (default 4, so at most 5 attempts). */
  retries?: number;
  /** Backoff before the first retry, doubled each time (default 100 ms). */
  baseDelayMs?: number;
  /** Upper bound of one backoff (default 5000 ms). */
  maxDelayMs?: number;
  /** Decides whether `error` is worth retrying (default {@link isRetryableError}). */
  shouldRetry?: (error: unknown) => boolean;
  /** Called before each backoff sleep, e.g. to log. */
  onRetry?: (info: { error: unknown; attempt: number; delayMs: number; operation: string; key: string }) => void;
  /** Source of jitter in [0, 1) (default Math.random); tests may pin it. */
  random?: () => number;
}

/** Default retry policy: a StoreError marked retryable, or a raw connection reset/timeout. */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof StoreError) return error.retryable;
  const code = networkErrorCode(error);
  return code !== undefined && !isUnreachableCode(code);
}

/**
 * The backoff before retry number `attempt` (1-based): "equal jitter" — half the exponential step plus
 * a random half, capped — so retries from many clients spread out but never hammer back at once.
 */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}

/** Wraps `store` so transient failures are retried; see {@link RetryOptions}. */
export function withRetry(
  store: Store,
  options: RetryOptions = {},
): Store & {
  /** The wrapped store (its calls are not retried). */
  readonly inner: Store;
} {
  const retries = options.retries ?? 4;
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5000;
  const shouldRetry = options.shouldRetry ?? isRetryableError;
  const random = options.random ?? Math.random;

  async function attempt<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await run();
      } catch (error) {
        if (n >= retries || !shouldRetry(error)) throw error;
        const delayMs = backoffDelay(n + 1, base, max, random);
        options.onRetry?.({ error, attempt: n + 1, delayMs, operation, key });
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  return {
    inner: store,
    get url() {
      return store.url;
    },
    get readOnly() {
      return store.readOnly;
    },
    get: (key: string, range?: ByteRange): Promise<Uint8Array | undefined> => attempt('get', key, () => store.get(key, range)),
    set: (key: string, bytes: Uint8Array): Promise<void> => attempt('set', key, () => store.set(key, bytes)),
    list: (prefix?: string): Promise<string[]> => attempt('list', prefix ?? '', () => store.list(prefix)),
    delete: (key: string): Promise<void> => attempt('delete', key, () => store.delete(key)),
    head: (key: string): Promise<ObjectInfo | undefined> => attempt('head', key, () => store.head(key)),
  };
}
