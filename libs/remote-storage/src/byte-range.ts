/**
 * Turning a {@link ByteRange} into concrete offsets, and into an HTTP `Range` header. Ranges are clamped
 * to the object: a range past the end yields fewer (or zero) bytes, never an error.
 */
import type { ByteRange } from './store';

/** `[start, end)` of `range` within an object of `size` bytes (whole object without a range). */
export function resolveRange(range: ByteRange | undefined, size: number): [start: number, end: number] {
  if (range === undefined) return [0, size];
  if ('suffixLength' in range) return [Math.max(0, size - Math.max(0, range.suffixLength)), size];
  const start = Math.min(Math.max(0, range.offset), size);
  const end = range.length === undefined ? size : Math.min(size, start + Math.max(0, range.length));
  return [start, end];
}

/** True when `range` certainly selects zero bytes, so no request is needed. */
export function isEmptyRange(range: ByteRange | undefined): boolean {
  if (range === undefined) return false;
  if ('suffixLength' in range) return range.suffixLength <= 0;
  return range.length !== undefined && range.length <= 0;
}

/** The HTTP `Range` header value for a non-empty `range` (`bytes=4-11`, `bytes=4-`, `bytes=-8`). */
export function rangeHeader(range: ByteRange): string {
  if ('suffixLength' in range) return `bytes=-${range.suffixLength}`;
  const start = Math.max(0, range.offset);
  return range.length === undefined ? `bytes=${start}-` : `bytes=${start}-${start + range.length - 1}`;
}

/** Throws a RangeError naming the store and key unless `range` has finite, non-negative integers. */
export function checkRange(range: ByteRange | undefined, where: string): void {
  if (range === undefined) return;
  const values = 'suffixLength' in range ? [range.suffixLength] : [range.offset, range.length ?? 0];
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`invalid byte range ${JSON.stringify(range)} for ${where}: use non-negative integers`);
    }
  }
}

/** A parsed `Content-Range: bytes start-end/size` header, with `end` exclusive (`size` undefined for `*`). */
export interface ContentRange {
  /** First byte of the body in the object. */
  start: number;
  /** One past the last byte of the body (exclusive). */
  end: number;
  /** Size of the whole object; undefined when the server sent `*`. */
  size: number | undefined;
}

/** Parses a `Content-Range` header; `undefined` when absent or not a byte range. */
export function parseContentRange(header: string | null | undefined): ContentRange | undefined {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]) + 1, size: m[3] === '*' ? undefined : Number(m[3]) };
}

/**
 * Cuts `range` out of a response body. Servers differ: some ignore `Range` (200 with the whole object),
 * some mishandle suffix ranges (s3rver answers `bytes=-17` with bytes 0-17). Returns the exact bytes when
 * the body covers the request, or `{ refetch }` with explicit offsets to ask for instead.
 */
export function fitRange(
  body: Uint8Array,
  range: ByteRange,
  contentRange: ContentRange | undefined,
):
  | Uint8Array
  | {
      /** The explicit range to request instead. */
      refetch: {
        /** First byte, 0-based. */
        offset: number;
        /** Number of bytes. */
        length: number;
      };
    } {
  if (contentRange === undefined) {
    const [start, end] = resolveRange(range, body.length); // the whole object came back
    return body.subarray(start, end);
  }
  const size = contentRange.size ?? contentRange.end;
  const [start, end] = resolveRange(range, size);
  if (contentRange.start <= start && contentRange.end >= end) {
    return body.subarray(start - contentRange.start, end - contentRange.start);
  }
  return { refetch: { offset: start, length: end - start } };
}
