/**
 * Answers GET/HEAD for one local file the way object servers do: `ETag`, `Accept-Ranges`, single
 * `Range` requests (`a-b`, `a-`, `-n`) → 206 with `Content-Range`, unsatisfiable → 416.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Parses a single-range `Range` header against `size`: `[start, end)`, `'unsatisfiable'`, or undefined (no/ignored range). */
export function parseRangeHeader(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? 'unsatisfiable' : [Math.max(0, size - n), size];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  if (start >= size || end <= start) return 'unsatisfiable';
  return [start, end];
}

/** Sends `bytes` for `req`, honouring HEAD and Range. */
export function sendBytes(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Uint8Array,
  etag: string,
  extraHeaders: Record<string, string> = {},
): void {
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    etag: `"${etag}"`,
    'content-type': 'application/octet-stream',
    ...extraHeaders,
  };
  const range = parseRangeHeader(req.headers.range, bytes.length);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${bytes.length}` });
    res.end();
    return;
  }
  if (range === undefined) {
    res.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
    res.end(req.method === 'HEAD' ? undefined : bytes);
    return;
  }
  const [start, end] = range;
  res.writeHead(206, {
    ...headers,
    'content-length': String(end - start),
    'content-range': `bytes ${start}-${end - 1}/${bytes.length}`,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end));
}

/** Reads a file, or `undefined` when it is missing or a directory. */
export async function readIfFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}
