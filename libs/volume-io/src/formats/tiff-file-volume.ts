/**
 * A multi-page TIFF file as a volume (Z, Y, X): page z is slice z. Read whole on open, written whole
 * on close. Geometry is the identity (resolution tags are ignored).
 */
import type { DType } from '../types';
import { typedArrayFor } from '../dtype';
import { product } from '../region-copy';
import { UnreadableImageError, UnsupportedDTypeError } from './errors';
import { readFileBytes, resolveFile, type FileLocation, type ResolvedFile } from './locations';
import { decodeTiff, encodeTiff, TIFF_SUPPORTED_DTYPES, type TiffCompression } from './tiff-codec';
import { identityGeometry, WholeFileVolume } from './whole-file-volume';

/** Options of {@link createTiffFile}. */
export interface CreateTiffFileOptions {
  /** (Z, Y, X): Z pages of Y×X. */
  shape: [number, number, number];
  /** Element type of every page. */
  dtype: DType;
  /** Default `'deflate'`. */
  compression?: TiffCompression;
}

/** A multi-page TIFF held in memory; see the module comment. */
export class TiffFileVolume extends WholeFileVolume {
  private constructor(
    file: ResolvedFile,
    shape: [number, number, number],
    dtype: DType,
    data: ReturnType<typeof typedArrayFor>,
    created: boolean,
    private readonly compression: TiffCompression,
  ) {
    super(file, 'tiff', shape, dtype, identityGeometry(), {}, data, created);
  }

  /** @internal Use {@link openTiffFile}. */
  static async open(location: FileLocation): Promise<TiffFileVolume> {
    const file = await resolveFile(location);
    const bytes = await readFileBytes(file, 'TIFF');
    const pages = decodeTiff(bytes, { name: file.url });
    const first = pages[0]!;
    if (first.shape.length !== 2) {
      throw new UnreadableImageError(`cannot read ${file.url} as a volume: its pages have ${first.shape[2]} samples per pixel; use single-channel TIFFs`, file.url);
    }
    const [h, w] = first.shape as [number, number];
    const data = typedArrayFor(first.dtype, pages.length * h * w);
    pages.forEach((p, z) => {
      if (p.dtype !== first.dtype || p.shape.length !== 2 || p.shape[0] !== h || p.shape[1] !== w) {
        throw new UnreadableImageError(
          `cannot read ${file.url} as a volume: page ${z} is ${p.dtype} (${p.shape.join('×')}) but page 0 is ${first.dtype} (${h}×${w}); all pages must match`,
          file.url,
        );
      }
      data.set(p.data as never, z * h * w);
    });
    return new TiffFileVolume(file, [pages.length, h, w], first.dtype, data, false, 'deflate');
  }

  /** @internal Use {@link createTiffFile}. */
  static async create(location: FileLocation, opts: CreateTiffFileOptions): Promise<TiffFileVolume> {
    const file = await resolveFile(location);
    if (!TIFF_SUPPORTED_DTYPES.includes(opts.dtype)) {
      throw new UnsupportedDTypeError(`cannot create ${file.url} as ${opts.dtype}: TIFF supports ${TIFF_SUPPORTED_DTYPES.join(', ')}; write float32 or use Zarr`, file.url);
    }
    const data = typedArrayFor(opts.dtype, product(opts.shape));
    return new TiffFileVolume(file, [...opts.shape], opts.dtype, data, true, opts.compression ?? 'deflate');
  }

  protected async encodeAndStore(): Promise<void> {
    const bytes = encodeTiff({ data: this.data, shape: [...this.shape] }, { compression: this.compression, dtype: this.dtype, name: this.url });
    await this.file.store.set(this.file.key, bytes);
  }
}

/** Opens a multi-page TIFF file (path, URL or store + key) as a (Z, Y, X) volume; writes are stored on `close()`. */
export function openTiffFile(location: FileLocation): Promise<TiffFileVolume> {
  return TiffFileVolume.open(location);
}

/** Creates a zero-filled multi-page TIFF volume; the file is written on `close()`. */
export function createTiffFile(location: FileLocation, opts: CreateTiffFileOptions): Promise<TiffFileVolume> {
  return TiffFileVolume.create(location, opts);
}
