import { describe, expect, it } from 'vitest';
import {
  EndpointUnreachableError,
  InvalidKeyError,
  RemoteStoreError,
  backoffDelay,
  isRetryableError,
} from './index';

describe('retry policy', () => {
  it('backs off exponentially with equal jitter, capped', () => {
    // random() = 0 gives half the step, random() → 1 the whole step.
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 100, 5000, () => 0))).toEqual([50, 100, 200, 400]);
    expect(backoffDelay(3, 100, 5000, () => 0.999999)).toBeCloseTo(400, 3);
    expect(backoffDelay(20, 100, 5000, () => 0)).toBe(2500);
  });

  it('retries throttling, 5xx and resets, not 403/404, bad keys or unreachable endpoints', () => {
    const remote = (status: number, retryable: boolean) => new RemoteStoreError('x', { url: 'u', status, retryable });
    expect(isRetryableError(remote(503, true))).toBe(true);
    expect(isRetryableError(remote(404, false))).toBe(false);
    expect(isRetryableError(new InvalidKeyError('../x', 'u', 'r'))).toBe(false);
    expect(isRetryableError(new EndpointUnreachableError('http://h', 'u', 'ECONNREFUSED'))).toBe(false);
    expect(isRetryableError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableError(new TypeError('fetch failed', { cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }) }))).toBe(false);
    expect(isRetryableError(new Error('plain'))).toBe(false);
  });
});
