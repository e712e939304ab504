/**
 * gzip that uses every libuv thread: the input is cut into blocks that are deflated independently
 * (each ends on a sync flush, the last one finishes the stream) and concatenated, as pigz does. The
 * result is one ordinary gzip member that any gunzip reads; it is a little larger than a serial stream
 * because back-references do not cross blocks (negligible at MiB-sized blocks).
 */
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);
const DEFAULT_BLOCK_BYTES = 4 * 1024 * 1024;

/** gzip-compresses `data` at `level` (0–9), deflating blocks of `blockBytes` concurrently. */
export async function gzipParallel(data: Uint8Array, level: number, blockBytes = DEFAULT_BLOCK_BYTES): Promise<Uint8Array> {
  const blocks = Math.max(1, Math.ceil(data.byteLength / blockBytes));
  const parts = await Promise.all(
    Array.from({ length: blocks }, (_, i) =>
      deflateRawAsync(data.subarray(i * blockBytes, Math.min(data.byteLength, (i + 1) * blockBytes)), {
        level,
        finishFlush: i === blocks - 1 ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      }),
    ),
  );
  const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, level >= 9 ? 2 : level <= 1 ? 4 : 0, 255];
  let size = header.length + 8;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  out.set(header, 0);
  let at = header.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  const trailer = new DataView(out.buffer, at, 8);
  trailer.setUint32(0, crc32(data) >>> 0, true);
  trailer.setUint32(4, data.byteLength % 2 ** 32, true);
  return out;
}
