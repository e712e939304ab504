/**
 * An HTTP proxy in front of a real server (s3rver) that can answer chosen requests itself — 503
 * SlowDown, 403, 500 — and records every request. It exercises retry and error paths with the real SDK
 * parsing real responses.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InjectedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface FaultProxy {
  endpoint: string;
  /** `METHOD path?query` of every request seen, in order. */
  requests: string[];
  /** Decides per request: answer it here (return a response) or forward it (return undefined). */
  inject: (req: IncomingMessage) => InjectedResponse | undefined;
  close(): Promise<void>;
}

/** The XML error body S3 sends. */
export function s3ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>0</RequestId></Error>`;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const to = new URL(target);
  const proxy: FaultProxy = {
    endpoint: '',
    requests: [],
    inject: () => undefined,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    proxy.requests.push(`${req.method} ${req.url}`);
    const injected = proxy.inject(req);
    if (injected) {
      req.resume();
      req.on('end', () => {
        res.writeHead(injected.status, { 'content-type': 'application/xml', ...injected.headers });
        res.end(injected.body ?? '');
      });
      return;
    }
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
