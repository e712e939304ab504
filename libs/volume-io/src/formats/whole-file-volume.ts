/**
 * The shared part of formats that are read and written as one file (NIfTI, MetaImage, NRRD,
 * multi-page TIFF): all voxels live in memory, boxes are served from there, and `close()` encodes
 * the whole file once and stores it atomically if anything was written.
 */
import type { Box, DType, Geometry, NdArray, TypedArray, Volume, VolumeFormat } from '../types';
import { checkBox, checkDataSize, copyBoxIn, copyBoxOut } from './box-copy';
import { typedArrayFor, typedArrayMatches } from '../dtype';
import { product } from '../region-copy';
import { DTypeMismatchError } from '../errors';
import { ReadOnlyVolumeError } from './errors';
import type { ResolvedFile } from './locations';

/** The identity geometry: unit spacing, zero origin, identity direction. */
export function identityGeometry(): Geometry {
  return { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
}

/** Throws the package's DTypeMismatchError unless `part` holds `dtype` (by its array type and its `dtype`, when given). */
export function checkWriteDType(part: NdArray, dtype: DType, url: string): void {
  if (!typedArrayMatches(part.data, dtype) || (part.dtype !== undefined && part.dtype !== dtype)) {
    throw new DTypeMismatchError(
      `data written to ${url} must be ${dtype} (got ${part.dtype ?? part.data.constructor.name}); convert it first`,
      url,
    );
  }
}

/** Base class of the whole-file volumes; subclasses implement `encodeAndStore`. */
export abstract class WholeFileVolume implements Volume {
  readonly url: string;
  readonly chunkShape: readonly number[];
  readonly fillValue = 0;
  private dirty: boolean;
  private closed = false;

  protected constructor(
    protected readonly file: ResolvedFile,
    readonly format: VolumeFormat,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly geometry: Geometry,
    readonly attributes: Record<string, unknown>,
    /** All voxels, C-order. */
    protected readonly data: TypedArray,
    /** True for newly created volumes, which are written on close even if no voxel was set. */
    created: boolean,
  ) {
    this.url = file.url;
    this.chunkShape = [...shape];
    this.dirty = created;
  }

  /** Whether `close()` will write the file. */
  get modified(): boolean {
    return this.dirty;
  }

  async read(box: Box): Promise<NdArray> {
    const extent = checkBox(box, this.shape, this.url);
    const out = typedArrayFor(this.dtype, product(extent));
    copyBoxOut(this.data, this.shape, box, out);
    return { data: out, shape: extent, dtype: this.dtype };
  }

  async write(box: Box, part: NdArray): Promise<void> {
    if (this.closed) throw new ReadOnlyVolumeError(`cannot write to ${this.url}: it was closed; open it again`, this.url);
    if (this.file.store.readOnly) {
      throw new ReadOnlyVolumeError(`cannot write to ${this.url}: its store is read-only; write to a local path or s3:// instead`, this.url);
    }
    const extent = checkBox(box, this.shape, this.url);
    checkDataSize(part.data.length, extent, this.url);
    checkWriteDType(part, this.dtype, this.url);
    copyBoxIn(this.data, this.shape, box, part.data);
    this.dirty = true;
  }

  async hasChunk(_coords: readonly number[]): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.dirty) await this.encodeAndStore();
    this.dirty = false;
    this.closed = true;
  }

  /** Writes the file now without closing (e.g. a checkpoint). */
  async flush(): Promise<void> {
    if (this.dirty) await this.encodeAndStore();
    this.dirty = false;
  }

  /** Encodes the whole volume and stores it; subclasses store extra files (an .mhd's .raw) first. */
  protected abstract encodeAndStore(): Promise<void>;
}
