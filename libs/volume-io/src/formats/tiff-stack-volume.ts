/**
 * A folder of 2D TIFF slices as a volume (Z, Y, X). Slice z is the file with the z-th smallest number
 * in its name (`2.tif` before `10.tif`); other files are ignored. A read decodes only the slices its
 * box crosses, through a small LRU of decoded slices. A write that covers whole slices stores them at
 * once; partial slices are assembled in memory and stored when complete or on `close()`.
 */
import type { Store } from '@voxelflow/remote-storage';
import type { Box, DType, Geometry, NdArray, TypedArray, Volume } from '../types';
import { checkBox, checkDataSize, copyBoxIn, copyBoxOut } from './box-copy';
import { typedArrayFor } from '../dtype';
import { product } from '../region-copy';
import { ImageNotFoundError, ReadOnlyVolumeError, UnreadableImageError, UnsupportedDTypeError } from './errors';
import { displayUrl, resolveFolder, type FolderLocation } from './locations';
import { numberedFiles } from './numbered-files';
import { SliceCache } from './slice-cache';
import { decodeTiff, encodeTiff, TIFF_SUPPORTED_DTYPES, type TiffCompression } from './tiff-codec';
import { checkWriteDType, identityGeometry } from './whole-file-volume';

const TIFF_EXTENSION = /\.tiff?$/i;
const DEFAULT_CACHE_BYTES = 512 * 1024 * 1024;
/** Slices decoded at once by one read: enough to overlap fetches, few enough to bound memory. */
const READ_CONCURRENCY = 4;

/** Options of {@link openTiffStack}. */
export interface OpenTiffStackOptions {
  /** Bytes of decoded slices kept in the LRU; default 512 MiB (at least one slice is always kept). */
  cacheBytes?: number;
  /** Compression of slices this volume rewrites; default `'deflate'`. */
  compression?: TiffCompression;
}

/** Options of {@link createTiffStack}. */
export interface CreateTiffStackOptions {
  /** (Z, Y, X): Z files of Y×X. */
  shape: [number, number, number];
  /** Element type of every slice. */
  dtype: DType;
  /** Default `'deflate'`. */
  compression?: TiffCompression;
  /** Digits of the zero-padded file numbers; default max(2, digits of Z − 1) (`00.tif` … `99.tif`). */
  digits?: number;
  /** Bytes of decoded slices kept in the LRU; default 512 MiB. */
  cacheBytes?: number;
}

/** See the module comment. Create with {@link openTiffStack} or {@link createTiffStack}. */
export class TiffStackVolume implements Volume {
  readonly format = 'tiff-stack' as const;
  readonly url: string;
  readonly shape: readonly number[];
  readonly chunkShape: readonly number[];
  readonly geometry: Geometry = identityGeometry();
  readonly fillValue = 0;
  readonly attributes: Record<string, unknown> = {};
  /** The store key of slice z, in slice order. */
  readonly sliceKeys: readonly string[];

  private readonly cache: SliceCache<TypedArray>;
  /** Slices being assembled from partial writes, with the number of voxels written so far. */
  private readonly pending = new Map<number, { data: TypedArray; written: number }>();
  /** Slices whose encoded bytes are being stored; reads see them while the write is in flight. */
  private readonly storing = new Map<number, TypedArray>();
  /** Per-slice chains that serialize the writes of one slice. */
  private readonly locks = new Map<number, Promise<void>>();
  private readonly onStorage: boolean[];
  private closed = false;

  private constructor(
    private readonly store: Store,
    sliceKeys: string[],
    height: number,
    width: number,
    readonly dtype: DType,
    onStorage: boolean,
    private readonly compression: TiffCompression,
    cacheBytes: number,
  ) {
    this.url = store.url;
    this.sliceKeys = sliceKeys;
    this.shape = [sliceKeys.length, height, width];
    this.chunkShape = [1, height, width];
    this.onStorage = sliceKeys.map(() => onStorage);
    this.cache = new SliceCache(cacheBytes, (a) => a.byteLength);
  }

  /** @internal Use {@link openTiffStack}. */
  static async open(location: FolderLocation, opts: OpenTiffStackOptions = {}): Promise<TiffStackVolume> {
    const store = await resolveFolder(location);
    const files = numberedFiles(await store.list(), { extension: TIFF_EXTENSION, folderUrl: store.url });
    if (files.length === 0) {
      throw new ImageNotFoundError(`no numbered .tif/.tiff slices in ${store.url}; name slices by number (000.tif, 001.tif, …)`, store.url);
    }
    const keys = files.map((f) => f.key);
    const first = await decodeSlice(store, keys[0]!);
    const vol = new TiffStackVolume(store, keys, first.shape[0]!, first.shape[1]!, first.dtype, true, opts.compression ?? 'deflate', opts.cacheBytes ?? DEFAULT_CACHE_BYTES);
    vol.cache.put(0, first.data);
    return vol;
  }

  /** @internal Use {@link createTiffStack}. */
  static async create(location: FolderLocation, opts: CreateTiffStackOptions): Promise<TiffStackVolume> {
    const store = await resolveFolder(location);
    if (!TIFF_SUPPORTED_DTYPES.includes(opts.dtype)) {
      throw new UnsupportedDTypeError(`cannot create TIFF stack ${store.url} as ${opts.dtype}: TIFF supports ${TIFF_SUPPORTED_DTYPES.join(', ')}; write float32 or use Zarr`, store.url);
    }
    const [z, h, w] = opts.shape;
    const digits = opts.digits ?? Math.max(2, String(Math.max(0, z - 1)).length);
    const keys = Array.from({ length: z }, (_, i) => `${String(i).padStart(digits, '0')}.tif`);
    return new TiffStackVolume(store, keys, h, w, opts.dtype, false, opts.compression ?? 'deflate', opts.cacheBytes ?? DEFAULT_CACHE_BYTES);
  }

  async read(box: Box): Promise<NdArray> {
    const extent = checkBox(box, this.shape, this.url);
    const [, h, w] = this.shape as [number, number, number];
    const plane = extent[1]! * extent[2]!;
    const out = typedArrayFor(this.dtype, product(extent));
    const planeBox: Box = { start: [box.start[1]!, box.start[2]!], stop: [box.stop[1]!, box.stop[2]!] };
    const zs = Array.from({ length: extent[0]! }, (_, i) => box.start[0]! + i);
    for (let i = 0; i < zs.length; i += READ_CONCURRENCY) {
      const batch = zs.slice(i, i + READ_CONCURRENCY);
      const slices = await Promise.all(batch.map((z) => this.sliceForRead(z)));
      slices.forEach((slice, j) => {
        const at = (i + j) * plane;
        if (slice !== undefined) copyBoxOut(slice, [h, w], planeBox, out.subarray(at, at + plane));
      });
    }
    return { data: out, shape: extent, dtype: this.dtype };
  }

  async write(box: Box, part: NdArray): Promise<void> {
    this.checkWritable();
    const extent = checkBox(box, this.shape, this.url);
    checkDataSize(part.data.length, extent, this.url);
    checkWriteDType(part, this.dtype, this.url);
    const [, h, w] = this.shape as [number, number, number];
    const plane = extent[1]! * extent[2]!;
    const whole = extent[1] === h && extent[2] === w;
    const planeBox: Box = { start: [box.start[1]!, box.start[2]!], stop: [box.stop[1]!, box.stop[2]!] };
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < extent[0]!; i++) {
      const z = box.start[0]! + i;
      const src = part.data.subarray(i * plane, (i + 1) * plane);
      jobs.push(
        this.withSliceLock(z, async () => {
          this.cache.delete(z);
          if (whole) {
            this.pending.delete(z);
            await this.storeSlice(z, src);
            return;
          }
          let p = this.pending.get(z);
          if (p === undefined) {
            const base = typedArrayFor(this.dtype, h * w);
            if (this.onStorage[z]) base.set((await this.loadSlice(z)) as never);
            p = { data: base, written: 0 };
            this.pending.set(z, p);
          }
          copyBoxIn(p.data, [h, w], planeBox, src);
          p.written += plane;
          // Overlapping writes can over-count; storing early is still correct, as later partial writes
          // reload the stored slice.
          if (p.written >= h * w) {
            await this.storeSlice(z, p.data);
            this.pending.delete(z);
          }
        }),
      );
    }
    await Promise.all(jobs);
  }

  async hasChunk(coords: readonly number[]): Promise<boolean> {
    const z = coords[0] ?? -1;
    return this.onStorage[z] === true || this.pending.has(z);
  }

  /** Stores every partial slice, and zero slices for a created stack's unwritten ones. */
  async close(): Promise<void> {
    if (this.closed) return;
    const jobs: Promise<void>[] = [];
    for (let z = 0; z < this.sliceKeys.length; z++) {
      if (this.pending.has(z) || !this.onStorage[z]) {
        jobs.push(
          this.withSliceLock(z, async () => {
            const p = this.pending.get(z);
            if (p !== undefined) await this.storeSlice(z, p.data);
            else if (!this.onStorage[z]) await this.storeSlice(z, typedArrayFor(this.dtype, this.shape[1]! * this.shape[2]!));
            this.pending.delete(z);
          }),
        );
      }
    }
    await Promise.all(jobs);
    await Promise.all(this.locks.values());
    this.closed = true;
  }

  private checkWritable(): void {
    if (this.closed) throw new ReadOnlyVolumeError(`cannot write to ${this.url}: it was closed; open it again`, this.url);
    if (this.store.readOnly) {
      throw new ReadOnlyVolumeError(`cannot write to ${this.url}: its store is read-only; write to a local path or s3:// instead`, this.url);
    }
  }

  private async sliceForRead(z: number): Promise<TypedArray | undefined> {
    const local = this.pending.get(z)?.data ?? this.storing.get(z);
    if (local !== undefined) return local;
    if (!this.onStorage[z]) return undefined; // never written: fill value
    return this.loadSlice(z);
  }

  private loadSlice(z: number): Promise<TypedArray> {
    return this.cache.get(z, async () => {
      const s = await decodeSlice(this.store, this.sliceKeys[z]!);
      const [, h, w] = this.shape;
      if (s.dtype !== this.dtype || s.shape[0] !== h || s.shape[1] !== w) {
        const url = displayUrl(this.store, this.sliceKeys[z]!);
        throw new UnreadableImageError(
          `slice ${z} (${url}) is ${s.dtype} ${s.shape.join('×')} but slice 0 is ${this.dtype} ${h}×${w}; every slice of a stack must match`,
          url,
        );
      }
      return s.data;
    });
  }

  private async storeSlice(z: number, data: TypedArray): Promise<void> {
    const key = this.sliceKeys[z]!;
    const bytes = encodeTiff({ data, shape: [this.shape[1]!, this.shape[2]!] }, { compression: this.compression, dtype: this.dtype, name: displayUrl(this.store, key) });
    this.storing.set(z, data);
    try {
      await this.store.set(key, bytes);
      this.onStorage[z] = true;
    } finally {
      this.storing.delete(z);
    }
  }

  private withSliceLock(z: number, fn: () => Promise<void>): Promise<void> {
    const prev = this.locks.get(z) ?? Promise.resolve();
    const next = prev.then(fn);
    const tail = next.catch(() => undefined);
    this.locks.set(z, tail);
    void tail.then(() => {
      if (this.locks.get(z) === tail) this.locks.delete(z);
    });
    return next;
  }
}

async function decodeSlice(store: Store, key: string): Promise<{ data: TypedArray; shape: number[]; dtype: DType }> {
  const url = displayUrl(store, key);
  const bytes = await store.get(key);
  if (bytes === undefined) throw new ImageNotFoundError(`slice ${url} disappeared while reading the stack; check the folder`, url);
  const page = decodeTiff(bytes, { pages: [0], name: url })[0];
  if (page === undefined) throw new UnreadableImageError(`${url} has no image page; re-export the slice`, url);
  if (page.shape.length !== 2) {
    throw new UnreadableImageError(`slice ${url} has ${page.shape[2]} samples per pixel; stacks must be single-channel`, url);
  }
  return page;
}

/** Opens a folder of numbered TIFF slices (path, URL or store) as a (Z, Y, X) volume. */
export function openTiffStack(location: FolderLocation, opts?: OpenTiffStackOptions): Promise<TiffStackVolume> {
  return TiffStackVolume.open(location, opts);
}

/**
 * Creates a TIFF stack: one file per z (`00.tif`, `01.tif`, …). Whole slices are stored as soon as
 * they are written; `close()` stores the rest (unwritten slices as zeros).
 */
export function createTiffStack(location: FolderLocation, opts: CreateTiffStackOptions): Promise<TiffStackVolume> {
  return TiffStackVolume.create(location, opts);
}

