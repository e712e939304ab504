import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { gzipParallel } from './parallel-gzip';

describe('gzipParallel', () => {
  it('produces one gzip stream that node:zlib and fflate (via nifti-reader-js) decode exactly', async () => {
    const data = new Uint8Array(1_000_003);
    let seed = 7;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = i % 3 === 0 ? seed >>> 24 : i % 251;
    }
    for (const block of [65_536, 333_333, 4 << 20]) {
      const gz = await gzipParallel(data, 1, block);
      expect(gz[0]).toBe(0x1f);
      expect(gz[1]).toBe(0x8b);
      expect(Buffer.compare(gunzipSync(gz), Buffer.from(data))).toBe(0);
      const ab = gz.buffer.slice(gz.byteOffset, gz.byteOffset + gz.byteLength) as ArrayBuffer;
      expect(Buffer.compare(Buffer.from(nifti.decompress(ab) as ArrayBuffer), Buffer.from(data))).toBe(0);
    }
  });

  it('handles empty input', async () => {
    expect(gunzipSync(await gzipParallel(new Uint8Array(0), 6)).byteLength).toBe(0);
  });
});
