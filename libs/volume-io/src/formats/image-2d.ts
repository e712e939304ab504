/**
 * Single 2D images (probability maps, masks, ink predictions, layer images): PNG through sharp, TIFF
 * through our codec. Grayscale only, 8- or 16-bit for PNG.
 */
import sharp from 'sharp';
import type { DType, NdArray, TypedArray } from '../types';
import { product } from '../region-copy';
import { dtypeOfArray, holdsDType } from './dtype-arrays';
import { oneLine, UnreadableImageError, UnsupportedDTypeError, UnsupportedFormatError } from './errors';
import { readFileBytes, resolveFile, type FileLocation } from './locations';
import { decodeTiff, encodeTiff, isTiffName, type TiffCompression } from './tiff-codec';

/** A decoded 2D image: shape (H, W). */
export interface Image2D extends NdArray {
  shape: [number, number];
  dtype: DType;
}

/** Options of {@link writeImage2D}. */
export interface WriteImage2DOptions {
  /** Default: from the extension (.png → png, .tif/.tiff → tiff). */
  format?: 'png' | 'tiff';
  /** dtype of the data; default from the array type. PNG takes uint8 and uint16; TIFF also int8, int16, float32, float64. */
  dtype?: DType;
  /** zlib level of PNG, 0–9; default 6. */
  pngCompressionLevel?: number;
  /** TIFF compression; default `'deflate'`. */
  tiffCompression?: TiffCompression;
}

/** Encodes a 2D grayscale image as PNG (8- or 16-bit) with sharp. */
export async function encodePng(image: NdArray, opts: { dtype?: DType; compressionLevel?: number; name?: string } = {}): Promise<Uint8Array> {
  const name = opts.name ?? 'PNG';
  const dtype = opts.dtype ?? image.dtype ?? dtypeOfArray(image.data);
  if ((dtype !== 'uint8' && dtype !== 'uint16') || !holdsDType(image.data, dtype)) {
    throw new UnsupportedDTypeError(`cannot write ${dtype} data to ${name}: PNG holds uint8 or uint16; scale the data or write TIFF`, name);
  }
  const [height, width] = check2D(image, name);
  const level = opts.compressionLevel ?? 6;
  // sharp takes 16-bit raw input only as a Uint16Array, and writes RGB unless told the colourspace.
  const input = dtype === 'uint8' ? Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength) : (image.data as Uint16Array);
  const out = await sharp(input, { raw: { width, height, channels: 1 } })
    .toColourspace(dtype === 'uint8' ? 'b-w' : 'grey16')
    .png({ compressionLevel: level })
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decodes a PNG/JPEG/WebP (any image sharp reads) to one grayscale channel: 16-bit images as uint16,
 * others as uint8. Colour images are converted to luminance; alpha is dropped.
 */
export async function decodeRaster(bytes: Uint8Array, name = 'image'): Promise<Image2D> {
  try {
    const meta = await sharp(bytes).metadata();
    const sixteen = meta.depth === 'ushort' || meta.depth === 'short';
    const pipeline = sharp(bytes).removeAlpha().toColourspace(sixteen ? 'grey16' : 'b-w');
    const { data, info } = await pipeline.raw(sixteen ? { depth: 'ushort' } : {}).toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`${info.channels} channels after grayscale conversion`);
    const shape: [number, number] = [info.height, info.width];
    if (sixteen) {
      const out = new Uint16Array(info.width * info.height);
      new Uint8Array(out.buffer).set(data.subarray(0, out.byteLength));
      return { data: out, shape, dtype: 'uint16' };
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height), shape, dtype: 'uint8' };
  } catch (err) {
    const why = oneLine(err instanceof Error ? err.message : String(err));
    throw new UnreadableImageError(`cannot read ${name}: ${why}; the file is truncated, corrupt or not an image`, name, { cause: err });
  }
}

/** Writes a 2D (H, W) image to `location` as PNG or TIFF, atomically through its store. */
export async function writeImage2D(location: FileLocation, image: NdArray, opts: WriteImage2DOptions = {}): Promise<void> {
  const file = await resolveFile(location);
  const format = opts.format ?? (isTiffName(file.key) ? 'tiff' : /\.png$/i.test(file.key) ? 'png' : undefined);
  if (format === undefined) {
    throw new UnsupportedFormatError(`cannot tell the image format of ${file.url}; name it .png, .tif or .tiff, or pass format`, file.url);
  }
  check2D(image, file.url);
  const bytes =
    format === 'png'
      ? await encodePng(image, { dtype: opts.dtype, compressionLevel: opts.pngCompressionLevel, name: file.url })
      : encodeTiff([image], { compression: opts.tiffCompression ?? 'deflate', dtype: opts.dtype, name: file.url });
  await file.store.set(file.key, bytes);
}

/** Reads a 2D grayscale image (PNG, TIFF page 0, JPEG…) as (H, W) with its dtype. */
export async function readImage2D(location: FileLocation): Promise<Image2D> {
  const file = await resolveFile(location);
  const bytes = await readFileBytes(file, 'image');
  if (isTiffName(file.key)) {
    const page = decodeTiff(bytes, { pages: [0], name: file.url })[0]!;
    if (page.shape.length !== 2) {
      throw new UnsupportedFormatError(`${file.url} has ${page.shape[2]} samples per pixel; readImage2D reads single-channel images`, file.url);
    }
    return { data: page.data, shape: [page.shape[0]!, page.shape[1]!], dtype: page.dtype };
  }
  return decodeRaster(bytes, file.url);
}

function check2D(image: NdArray, name: string): [number, number] {
  if (image.shape.length !== 2 || image.data.length !== product(image.shape)) {
    throw new UnsupportedFormatError(`cannot write shape (${image.shape.join(', ')}) with ${image.data.length} values to ${name}; 2D images are (H, W)`, name);
  }
  return image.shape as [number, number];
}

/** The first channel of an (H, W, S) page, or the page itself when it has one channel. */
export function firstChannel(data: TypedArray, shape: readonly number[]): TypedArray {
  if (shape.length === 2) return data;
  const [h, w, s] = shape as [number, number, number];
  const out = new (data.constructor as new (n: number) => TypedArray)(h * w);
  for (let i = 0, j = 0; i < h * w; i++, j += s) out[i] = data[j]!;
  return out;
}
