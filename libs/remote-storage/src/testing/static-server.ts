/**
 * A static HTTP file server for tests: serves a local directory read-only with Range and ETag support,
 * records every request, and can be told to fail the next requests (e.g. 503 twice) to test retries.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';
import { readIfFile, sendBytes } from './serve-file';

/** A request the static server saw. */
export interface RecordedRequest {
  /** HTTP method, e.g. `GET` or `HEAD`. */
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** The `Range` header, if any. */
  range: string | undefined;
  /** The status the server answered with. */
  status: number;
}

/** A running static server. */
export interface StaticServerHandle {
  /** `http://127.0.0.1:<port>/` (with the trailing slash). */
  url: string;
  /** Every request, in order (cleared with `requests.length = 0`). */
  requests: RecordedRequest[];
  /** Answer the next `count` requests with `status` (and optional headers/body) instead of serving them. */
  failNext(count: number, status: number, options?: { headers?: Record<string, string>; body?: string }): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Options of {@link startStaticServer}. */
export interface StaticServerOptions {
  /** Directory to serve. */
  root: string;
  /** Ignore `Range` headers and always answer 200 with the whole file (like some simple servers). */
  ignoreRange?: boolean;
}

/** Starts a static file server on 127.0.0.1 with a free port; see {@link StaticServerHandle}. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServerHandle> {
  const root = resolve(options.root);
  const requests: RecordedRequest[] = [];
  let failures: { count: number; status: number; headers?: Record<string, string>; body?: string } | undefined;

  const server = createServer((req, res) => {
    const record: RecordedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', range: req.headers.range, status: 0 };
    requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    void (async () => {
      if (failures && failures.count > 0) {
        failures.count--;
        res.writeHead(failures.status, failures.headers ?? {});
        res.end(failures.body ?? '');
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' });
        res.end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = resolve(root, `.${pathname}`);
      const bytes = file.startsWith(root + sep) ? await readIfFile(file) : undefined;
      if (bytes === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      const etag = createHash('sha1').update(bytes).digest('hex');
      if (options.ignoreRange) delete req.headers.range;
      sendBytes(req, res, bytes, etag);
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    failNext(count, status, extra = {}) {
      failures = { count, status, ...extra };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
