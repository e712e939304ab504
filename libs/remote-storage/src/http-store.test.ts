import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSeed, storeContract, writeSeedFiles } from '../test/store-contract';
import {
  AccessDeniedError,
  EndpointUnreachableError,
  HttpStore,
  RemoteStoreError,
  openStore,
  startStaticServer,
  withByteCounter,
  withRetry,
  type StaticServerHandle,
} from './index';

let dir: string;
let server: StaticServerHandle;
let plainServer: StaticServerHandle;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-http-'));
  await writeSeedFiles(join(dir, 'data'), contractSeed());
  server = await startStaticServer({ root: dir });
  plainServer = await startStaticServer({ root: dir, ignoreRange: true });
});
afterAll(async () => {
  await server?.close();
  await plainServer?.close();
  await rm(dir, { recursive: true, force: true });
});

storeContract('HttpStore (Range requests, via openStore)', {
  make: () => openStore(`${server.url}data`),
  readOnly: true,
  canList: false,
});
storeContract('HttpStore (server that ignores Range)', {
  make: async () => new HttpStore(`${plainServer.url}data/`),
  readOnly: true,
  canList: false,
});

describe('HttpStore specifics', () => {
  it('sends one Range request per ranged get and gets 206 back', async () => {
    const store = withByteCounter(new HttpStore(`${server.url}data`));
    server.requests.length = 0;
    const bytes = await store.get('a.bin', { offset: 100, length: 50 });
    expect(bytes?.length).toBe(50);
    expect(server.requests).toEqual([{ method: 'GET', url: '/data/a.bin', range: 'bytes=100-149', status: 206 }]);
    expect(store.stats.bytesRead).toBe(50);
  });

  it('retries 503 twice, then succeeds with 3 requests', async () => {
    const store = withRetry(new HttpStore(`${server.url}data`), { baseDelayMs: 1 });
    server.requests.length = 0;
    server.failNext(2, 503, { headers: { 'retry-after': '0' } });
    expect(await store.get('dir/b.txt')).toEqual(new TextEncoder().encode('hello store'));
    expect(server.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after the configured retries with RemoteStoreError carrying the status', async () => {
    const store = withRetry(new HttpStore(`${server.url}data`), { retries: 2, baseDelayMs: 1 });
    server.requests.length = 0;
    server.failNext(10, 500);
    const err = await store.get('a.bin').catch((e: unknown) => e);
    server.failNext(0, 200);
    expect(err).toBeInstanceOf(RemoteStoreError);
    expect((err as RemoteStoreError).status).toBe(500);
    expect(server.requests.length).toBe(3);
  });

  it('does not retry 403 and reports AccessDeniedError naming the URL', async () => {
    const store = withRetry(new HttpStore(`${server.url}data`), { baseDelayMs: 1 });
    server.requests.length = 0;
    server.failNext(5, 403);
    const err = await store.get('a.bin').catch((e: unknown) => e);
    server.failNext(0, 200);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as Error).message).toContain(`${server.url}data/a.bin`);
    expect(server.requests.length).toBe(1);
  });

  it('names the origin when the server cannot be reached', async () => {
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const err = await new HttpStore(`http://127.0.0.1:${port}/x`).get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointUnreachableError);
    expect((err as Error).message).toContain(`http://127.0.0.1:${port}`);
  });

  it('escapes key segments in URLs', () => {
    const store = new HttpStore('https://example.invalid/root?sig=1');
    expect(store.urlOf('a b/c#d')).toBe('https://example.invalid/root/a%20b/c%23d?sig=1');
  });
});
