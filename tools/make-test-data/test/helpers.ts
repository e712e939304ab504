/** Shared helpers of the tests: where test-data is, and its manifest. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed test-data folder. */
export const TEST_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../test-data');

/** A path inside test-data. */
export function td(...parts: string[]): string {
  return join(TEST_DATA, ...parts);
}

/** The committed manifest (parsed once; untyped JSON, the tests assert its shape as they read it). */
export const manifest: any = JSON.parse(readFileSync(td('MANIFEST.json'), 'utf8'));

/** sha256 of bytes or a typed array's bytes. */
export function sha256(data: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/** A file's bytes as an exactly-sized ArrayBuffer (Node's small-file Buffers share an 8 KB slab). */
export function readArrayBuffer(path: string): ArrayBuffer {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}
