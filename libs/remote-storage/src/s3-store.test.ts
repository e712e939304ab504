import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storeContract } from '../test/store-contract';
import { s3ErrorXml, startFaultProxy, type FaultProxy } from '../test/fault-proxy';
import {
  AccessDeniedError,
  EndpointUnreachableError,
  InvalidStoreUrlError,
  S3Store,
  StoreNotFoundError,
  openStore,
  parseS3Url,
  startS3rver,
  withRetry,
  type S3rverHandle,
} from './index';

let s3: S3rverHandle;
let proxy: FaultProxy;
beforeAll(async () => {
  s3 = await startS3rver({ buckets: ['vf-test', 'vf-other'] });
  proxy = await startFaultProxy(s3.endpoint);
});
afterAll(async () => {
  await proxy?.close();
  await s3?.close();
});

storeContract('S3Store on s3rver (prefix, via openStore)', {
  make: () => openStore(`s3://${s3.bucket}/contract/root`, { s3: s3.storeOptions }),
  atomicConcurrentWrites: false,
});
storeContract('S3Store on s3rver (bucket root)', {
  make: async () => new S3Store('s3://vf-other', s3.storeOptions),
  atomicConcurrentWrites: false,
});

function onProxy(url: string, extra: Record<string, unknown> = {}): S3Store {
  return new S3Store(url, { ...s3.storeOptions, endpoint: proxy.endpoint, ...extra });
}

describe('S3Store specifics', () => {
  it('parses s3 URLs and rejects bad ones', () => {
    expect(parseS3Url('s3://b/a/b/')).toEqual({ bucket: 'b', prefix: 'a/b' });
    expect(parseS3Url('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(() => parseS3Url('s3:///x')).toThrow(InvalidStoreUrlError);
    expect(() => parseS3Url('s3://b/../x')).toThrow(InvalidStoreUrlError);
  });

  it('lists across pages', async () => {
    const store = onProxy(`s3://${s3.bucket}/paged`, { pageSize: 3 });
    const keys = Array.from({ length: 8 }, (_, i) => `k${i}/v`);
    await Promise.all(keys.map((k) => store.set(k, Uint8Array.from([1]))));
    proxy.requests.length = 0;
    expect(await store.list()).toEqual(keys);
    expect(proxy.requests.filter((r) => r.includes('list-type=2')).length).toBe(3);
  });

  it('uploads large objects in parts and reads them back whole', async () => {
    const store = onProxy(`s3://${s3.bucket}/multi`, { multipartThreshold: 1024 * 1024, partSize: 5 * 1024 * 1024 });
    const big = new Uint8Array(6 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
    proxy.requests.length = 0;
    await store.set('big.bin', big);
    expect(proxy.requests.filter((r) => r.includes('partNumber=')).length).toBe(2);
    expect(proxy.requests.some((r) => r.startsWith('POST') && r.includes('uploads'))).toBe(true);
    const back = await store.get('big.bin');
    expect(back?.length).toBe(big.length);
    expect(Buffer.compare(back!, big)).toBe(0);
    expect(await store.get('big.bin', { offset: 5 * 1024 * 1024, length: 8192 })).toEqual(
      big.slice(5 * 1024 * 1024, 5 * 1024 * 1024 + 8192),
    );
  });

  it('leaves nothing under the key when a multipart upload fails', async () => {
    const store = onProxy(`s3://${s3.bucket}/failing`, { multipartThreshold: 1024 * 1024, partSize: 5 * 1024 * 1024 });
    proxy.inject = (req) =>
      req.url?.includes('partNumber=2') ? { status: 400, body: s3ErrorXml('InvalidPart', 'injected') } : undefined;
    try {
      await expect(store.set('half.bin', new Uint8Array(6 * 1024 * 1024))).rejects.toThrow(/half\.bin/);
    } finally {
      proxy.inject = () => undefined;
    }
    expect(await store.head('half.bin')).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it('retries 503 SlowDown with backoff and succeeds on the third request', async () => {
    const store = onProxy(`s3://${s3.bucket}/retry`);
    await store.set('x.bin', Uint8Array.from([5, 6, 7]));
    let failures = 2;
    proxy.inject = (req) =>
      req.method === 'GET' && req.url?.includes('x.bin') && failures-- > 0
        ? { status: 503, body: s3ErrorXml('SlowDown', 'Please reduce your request rate.') }
        : undefined;
    proxy.requests.length = 0;
    const retries: number[] = [];
    const retried = withRetry(store, { baseDelayMs: 5, onRetry: (i) => retries.push(i.delayMs) });
    try {
      expect(await retried.get('x.bin')).toEqual(Uint8Array.from([5, 6, 7]));
    } finally {
      proxy.inject = () => undefined;
    }
    expect(proxy.requests.filter((r) => r.startsWith('GET')).length).toBe(3);
    expect(retries.length).toBe(2);
    // Exponential: the second backoff is drawn from [step, 2·step)/2-ish windows that do not overlap below.
    expect(retries[0]!).toBeGreaterThanOrEqual(2.5);
    expect(retries[1]!).toBeGreaterThanOrEqual(5);
  });

  it('does not retry 403 and reports AccessDeniedError naming the URL and AWS_PROFILE', async () => {
    const store = onProxy(`s3://${s3.bucket}/secret`, { credentials: { accessKeyId: 'WRONG', secretAccessKey: 'x' } });
    proxy.requests.length = 0;
    const err = await withRetry(store, { baseDelayMs: 1 })
      .get('a.bin')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as Error).message).toContain(`s3://${s3.bucket}/secret/a.bin`);
    expect((err as Error).message).toContain('AWS_PROFILE');
    expect(proxy.requests.length).toBe(1);
  });

  it('names the endpoint when it cannot be reached', async () => {
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const endpoint = `http://127.0.0.1:${port}`;
    const store = await openStore(`s3://${s3.bucket}/x`, { s3: { ...s3.storeOptions, endpoint } });
    const err = await store.get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointUnreachableError);
    expect((err as Error).message).toContain(endpoint);
  });

  it('reports a missing bucket as StoreNotFoundError', async () => {
    const store = new S3Store('s3://no-such-bucket/p', s3.storeOptions);
    const err = await store.get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreNotFoundError);
    expect((err as Error).message).toContain('no-such-bucket');
  });

  it('takes the endpoint and credentials from the standard environment variables', async () => {
    for (const [k, v] of Object.entries(s3.env)) vi.stubEnv(k, v);
    try {
      const store = await openStore(`s3://${s3.bucket}/from-env`);
      await store.set('e.txt', new TextEncoder().encode('env'));
      expect(new TextDecoder().decode(await store.get('e.txt'))).toBe('env');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
