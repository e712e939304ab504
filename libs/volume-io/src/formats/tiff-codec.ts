/**
 * TIFF bytes ↔ arrays. Encoding is a small little-endian writer (one strip per page, optional
 * deflate) that every common reader accepts; decoding uses the `tiff` package. Grayscale only.
 */
import { deflateSync } from 'node:zlib';
import { decode } from 'tiff';
import type { DType, NdArray, TypedArray } from '../types';
import { product } from '../region-copy';
import { dtypeOfArray, holdsDType, reinterpret } from './dtype-arrays';
import { oneLine, UnreadableImageError, UnsupportedDTypeError, UnsupportedFormatError } from './errors';

/** Compression of TIFF pages: none, or deflate (zlib, TIFF Compression = 8). */
export type TiffCompression = 'none' | 'deflate';

/** Options of {@link encodeTiff}. */
export interface EncodeTiffOptions {
  /** Page compression; default `'none'`. */
  compression?: TiffCompression;
  /** zlib level 0–9 for deflate; default 6. */
  level?: number;
  /** The dtype of the data; default: from the array type (a Uint16Array is uint16). float16 is rejected. */
  dtype?: DType;
  /** File name for error messages. */
  name?: string;
}

/** One decoded TIFF page. `shape` is (H, W), or (H, W, S) when a page has S > 1 samples per pixel. */
export interface TiffPage extends NdArray {
  dtype: DType;
}

/** Bits per sample and TIFF SampleFormat (1 unsigned, 2 signed, 3 float) for the dtypes the codec supports. */
const TIFF_DTYPES: Partial<Record<DType, { bits: number; format: 1 | 2 | 3 }>> = {
  uint8: { bits: 8, format: 1 },
  int8: { bits: 8, format: 2 },
  uint16: { bits: 16, format: 1 },
  int16: { bits: 16, format: 2 },
  float32: { bits: 32, format: 3 },
  float64: { bits: 64, format: 3 },
};

/** The dtypes {@link encodeTiff} writes and {@link decodeTiff} reads back. */
export const TIFF_SUPPORTED_DTYPES: readonly DType[] = Object.keys(TIFF_DTYPES) as DType[];

/** Whether `name` ends in .tif or .tiff (any case). */
export function isTiffName(name: string): boolean {
  return /\.tiff?$/i.test(name);
}

const TAG_COUNT = 11;
const IFD_BYTES = 2 + TAG_COUNT * 12 + 4;

/**
 * Encodes 2D pages (each shape (H, W)) or one 3D array (Z, H, W) as a little-endian multi-page TIFF,
 * one strip per page. Supported dtypes: uint8, int8, uint16, int16, float32 (SampleFormat 3), float64.
 * Throws {@link UnsupportedDTypeError} for others and {@link UnsupportedFormatError} past 4 GiB (no BigTIFF).
 */
export function encodeTiff(pages: NdArray[] | NdArray, opts: EncodeTiffOptions = {}): Uint8Array {
  const name = opts.name ?? 'TIFF';
  const list = Array.isArray(pages) ? pages : splitPages(pages, name);
  if (list.length === 0) throw new UnsupportedFormatError(`cannot write ${name} with no pages; pass at least one 2D array`, name);
  const compression = opts.compression ?? 'none';

  const parts: Uint8Array[] = [];
  const header = new Uint8Array(8);
  const hv = new DataView(header.buffer);
  header[0] = 0x49; // 'II': little-endian
  header[1] = 0x49;
  hv.setUint16(2, 42, true);
  parts.push(header);
  let offset = 8;
  const ifdOffsets: number[] = [];
  const ifds: DataView[] = [];

  for (const page of list) {
    const dtype = opts.dtype ?? page.dtype ?? dtypeOfArray(page.data);
    const spec = TIFF_DTYPES[dtype];
    if (spec === undefined || !holdsDType(page.data, dtype)) {
      throw new UnsupportedDTypeError(
        `cannot write ${dtype} data to ${name}: TIFF output supports ${TIFF_SUPPORTED_DTYPES.join(', ')}; convert the data first`,
        name,
      );
    }
    if (page.shape.length !== 2 || page.data.length !== product(page.shape)) {
      throw new UnsupportedFormatError(
        `cannot write a page of shape (${page.shape.join(', ')}) with ${page.data.length} values to ${name}; TIFF pages are 2D (H, W)`,
        name,
      );
    }
    const [height, width] = page.shape as [number, number];
    const raw = new Uint8Array(page.data.buffer, page.data.byteOffset, page.data.byteLength);
    const strip = compression === 'deflate' ? deflateSync(raw, { level: opts.level ?? 6 }) : raw;
    const stripOffset = offset;
    parts.push(strip);
    offset += strip.byteLength;
    if (offset % 2 === 1) {
      parts.push(new Uint8Array(1)); // IFDs start on a word boundary
      offset += 1;
    }
    const ifd = new DataView(new ArrayBuffer(IFD_BYTES));
    ifd.setUint16(0, TAG_COUNT, true);
    let e = 2;
    const entry = (tag: number, type: 3 | 4, value: number): void => {
      ifd.setUint16(e, tag, true);
      ifd.setUint16(e + 2, type, true);
      ifd.setUint32(e + 4, 1, true);
      if (type === 3) ifd.setUint16(e + 8, value, true);
      else ifd.setUint32(e + 8, value, true);
      e += 12;
    };
    // Tags in ascending order, as TIFF requires. 3 = SHORT, 4 = LONG.
    entry(256, 4, width); // ImageWidth
    entry(257, 4, height); // ImageLength
    entry(258, 3, spec.bits); // BitsPerSample
    entry(259, 3, compression === 'deflate' ? 8 : 1); // Compression
    entry(262, 3, 1); // PhotometricInterpretation: BlackIsZero
    entry(273, 4, stripOffset); // StripOffsets
    entry(277, 3, 1); // SamplesPerPixel
    entry(278, 4, height); // RowsPerStrip
    entry(279, 4, strip.byteLength); // StripByteCounts
    entry(284, 3, 1); // PlanarConfiguration: chunky
    entry(339, 3, spec.format); // SampleFormat
    ifdOffsets.push(offset);
    ifds.push(ifd);
    parts.push(new Uint8Array(ifd.buffer));
    offset += IFD_BYTES;
  }
  if (offset > 0xffffffff) {
    throw new UnsupportedFormatError(
      `${name} would be ${offset} bytes, over the 4 GiB limit of classic TIFF; write a TIFF stack (one file per slice) or Zarr instead`,
      name,
    );
  }
  hv.setUint32(4, ifdOffsets[0]!, true);
  for (let i = 0; i < ifds.length; i++) ifds[i]!.setUint32(IFD_BYTES - 4, ifdOffsets[i + 1] ?? 0, true);

  const out = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function splitPages(volume: NdArray, name: string): NdArray[] {
  if (volume.shape.length === 2) return [volume];
  if (volume.shape.length !== 3) {
    throw new UnsupportedFormatError(`cannot write shape (${volume.shape.join(', ')}) to ${name}; pass (Z, H, W) or a list of (H, W) pages`, name);
  }
  const [z, h, w] = volume.shape as [number, number, number];
  const pages: NdArray[] = [];
  for (let i = 0; i < z; i++) pages.push({ data: volume.data.subarray(i * h * w, (i + 1) * h * w), shape: [h, w] });
  return pages;
}

/** Options of {@link decodeTiff}. */
export interface DecodeTiffOptions {
  /** Indices of the pages to decode; default all. */
  pages?: number[];
  /** File name for error messages. */
  name?: string;
}

/**
 * Decodes the pages of a TIFF (8/16-bit integer, signed or not; 32/64-bit float; none/LZW/deflate).
 * Throws {@link UnreadableImageError} for truncated or corrupt files and {@link UnsupportedFormatError}
 * for sample types the reader lacks (32-bit integers, PackBits).
 */
export function decodeTiff(bytes: Uint8Array, opts: DecodeTiffOptions = {}): TiffPage[] {
  const name = opts.name ?? 'TIFF';
  let ifds;
  try {
    ifds = decode(bytes, opts.pages === undefined ? undefined : { pages: opts.pages });
  } catch (err) {
    const msg = oneLine(err instanceof Error ? err.message : String(err));
    if (/^Unsupported/.test(msg)) {
      throw new UnsupportedFormatError(`cannot read ${name}: ${msg.toLowerCase()}; convert it to 8/16-bit integer or float32 TIFF`, name, { cause: err });
    }
    throw new UnreadableImageError(`cannot read ${name}: not a valid TIFF or truncated (${msg}); re-export or re-download the file`, name, { cause: err });
  }
  return ifds.map((ifd, i) => {
    const samples = ifd.samplesPerPixel;
    const shape = samples > 1 ? [ifd.height, ifd.width, samples] : [ifd.height, ifd.width];
    let data: TypedArray = ifd.data;
    if (data.length !== product(shape)) {
      throw new UnreadableImageError(
        `cannot read page ${i} of ${name}: ${data.length} values decoded for ${shape.join('×')} pixels; the file is truncated or corrupt`,
        name,
      );
    }
    let dtype = dtypeOfArray(data);
    if (ifd.sampleFormat === 2 && (dtype === 'uint8' || dtype === 'uint16')) {
      dtype = dtype === 'uint8' ? 'int8' : 'int16';
      data = reinterpret(data, dtype);
    }
    return { data, shape, dtype };
  });
}
