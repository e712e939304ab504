/**
 * A Zarr v2/v3 array as a Volume. Reads assemble boxes from decoded chunks held in a shared
 * ChunkCache; chunks are fetched through the Store and decoded by zarrita (`Array.getChunk`).
 * Writes encode whole chunks (read-modify-write for partial ones) and skip chunks that are all fill
 * value, deleting them if present (zarr-python's write_empty_chunks=False).
 */
import { UnsupportedOperationError, toZarritaStore, type Store } from '@voxelflow/remote-storage';
import * as zarr from 'zarrita';
import { ChunkCache, chunkCacheKey, type CachedChunk, type LoadedChunk } from '../chunk-cache';
import { typedArrayFor, typedArrayMatches, typedArrayName } from '../dtype';
import { CorruptChunkError, DTypeMismatchError } from '../errors';
import { checkBox, checkDataSize } from '../formats/box-copy';
import { BoxOutOfRangeError, ReadOnlyVolumeError } from '../formats/errors';
import { toFloat16Bits } from '../float16';
import { cStrides, copyRegion, product } from '../region-copy';
import type { Box, DType, Geometry, NdArray, TypedArray, Volume, VolumeFormat } from '../types';
import { createChunkEncoder, installZarrCodecs, type ChunkEncoder } from './codecs';
import { chunkKeyOf, joinPath, writeArrayAttributes, type ZarrArrayMeta } from './metadata';

/** Where a volume's free-form attributes live when they are not the array's own (OME-Zarr groups). */
export interface AttributeTarget {
  /** Stores the volume's complete attribute object. */
  write(attributes: Record<string, unknown>): Promise<void>;
}

export interface ZarrVolumeInit {
  store: Store;
  /** Array path below the store root ('' when the store root is the array). */
  path: string;
  format: VolumeFormat;
  meta: ZarrArrayMeta;
  geometry: Geometry;
  cache: ChunkCache;
  /** Attributes reported by the volume (the array's by default). */
  attributes?: Record<string, unknown>;
  /** Where `setAttributes` writes (the array's attributes by default). */
  attributeTarget?: AttributeTarget;
  /** Store chunks that are entirely fill value instead of skipping them (default false). */
  writeEmptyChunks?: boolean;
  /** Chunks fetched or encoded at once (default 8). */
  concurrency?: number;
}

/** A Zarr array opened or created by volume-io. */
export class ZarrVolume implements Volume {
  readonly url: string;
  readonly format: VolumeFormat;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly chunkShape: readonly number[];
  readonly geometry: Geometry;
  readonly fillValue: number;
  attributes: Record<string, unknown>;
  /** The store the array is read and written through. */
  readonly store: Store;
  /** Array path below the store root. */
  readonly path: string;
  /** The array's metadata, normalized across Zarr v2 and v3. */
  readonly meta: ZarrArrayMeta;
  /** The decoded-chunk cache reads go through. */
  readonly cache: ChunkCache;
  /** Whether all-fill chunks are written (true) or skipped/deleted (false, the default). */
  writeEmptyChunks: boolean;
  /** Chunks fetched or encoded at once. */
  readonly concurrency: number;

  readonly #array: zarr.Array<zarr.DataType, zarr.Readable>;
  readonly #handoff = new Map<string, Uint8Array>();
  readonly #fillBits: number;
  readonly #attributeTarget: AttributeTarget | undefined;
  #encoder: Promise<ChunkEncoder> | undefined;
  #keys: Promise<Set<string> | null> | undefined;
  #keysLoaded: Set<string> | null | undefined;
  readonly #headCache = new Map<string, boolean>();
  readonly #locks = new Map<string, Promise<void>>();

  /**
   * Wraps already-read metadata; open or create arrays with `openVolume`, `openZarr` or `createVolume`.
   * @internal
   */
  constructor(init: ZarrVolumeInit) {
    installZarrCodecs();
    const { meta } = init;
    this.store = init.store;
    this.path = init.path;
    this.url = init.path === '' ? init.store.url : `${init.store.url.replace(/\/+$/, '')}/${init.path}`;
    this.format = init.format;
    this.meta = meta;
    this.shape = meta.shape;
    this.dtype = meta.dtype;
    this.chunkShape = meta.chunkShape;
    this.geometry = init.geometry;
    this.fillValue = meta.fillValue;
    this.attributes = init.attributes ?? meta.attributes;
    this.cache = init.cache;
    this.writeEmptyChunks = init.writeEmptyChunks ?? false;
    this.concurrency = init.concurrency ?? 8;
    this.#attributeTarget = init.attributeTarget;
    this.#fillBits = meta.dtype === 'float16' ? toFloat16Bits(meta.fillValue) : meta.fillValue;

    const passthrough = toZarritaStore(init.store);
    const stats = init.cache.stats;
    const handoff = this.#handoff;
    // zarrita decodes what the chunk loader already fetched (handed over by key); anything else
    // (shard indexes and inner chunks of sharded arrays) is read through and counted here.
    const adapter: zarr.AsyncReadable = {
      async get(key) {
        const ready = handoff.get(key);
        if (ready) return ready;
        const bytes = await passthrough.get(key);
        if (bytes) stats.bytesFetched += bytes.byteLength;
        return bytes;
      },
      async getRange(key, range) {
        const bytes = await passthrough.getRange(key, range);
        if (bytes) stats.bytesFetched += bytes.byteLength;
        return bytes;
      },
    };
    // float16 is decoded as uint16 (same bytes): callers get raw bits, and zarrita needs no
    // Float16Array polyfill — which, installed globally, would also change what onnxruntime returns.
    const dataType = meta.dtype === 'float16' ? 'uint16' : meta.dtype;
    this.#array = new zarr.Array(adapter, `/${init.path}` as zarr.AbsolutePath, {
      zarr_format: 3,
      node_type: 'array',
      shape: meta.shape,
      data_type: dataType,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: meta.sharded ? shardShape(meta) : meta.chunkShape } },
      chunk_key_encoding: { name: meta.chunkKeyEncoding.name, configuration: { separator: meta.chunkKeyEncoding.separator } },
      codecs: meta.codecs,
      fill_value: this.#fillBits,
      attributes: {},
    } as zarr.ArrayMetadata<zarr.DataType>);
  }

  /** Number of chunks along each axis. */
  get chunkGrid(): number[] {
    return this.shape.map((s, a) => Math.ceil(s / this.chunkShape[a]!));
  }

  /** The store key of the chunk at `coords`. */
  chunkKey(coords: readonly number[]): string {
    return joinPath(this.path, chunkKeyOf(this.meta, coords));
  }

  async read(box: Box): Promise<NdArray> {
    const extent = checkBox(box, this.shape, this.url);
    const out = typedArrayFor(this.dtype, product(extent));
    if (this.#fillBits !== 0) out.fill(this.#fillBits);
    const coords = this.#chunksOf(box);
    const cs = this.chunkShape;
    await runPool(coords, this.concurrency, async (c) => {
      const chunk = await this.readChunk(c);
      if (!chunk.data) return;
      const srcStart: number[] = [];
      const dstStart: number[] = [];
      const ext: number[] = [];
      for (let a = 0; a < c.length; a++) {
        const origin = c[a]! * cs[a]!;
        const lo = Math.max(box.start[a]!, origin);
        const hi = Math.min(box.stop[a]!, origin + cs[a]!);
        srcStart.push(lo - origin);
        dstStart.push(lo - box.start[a]!);
        ext.push(hi - lo);
      }
      copyRegion(chunk.data, cs, srcStart, out, extent, dstStart, ext);
    });
    return { data: out, shape: extent, dtype: this.dtype };
  }

  /** The decoded chunk at `coords` through the cache (`data` null when the chunk is absent). Read-only. */
  readChunk(coords: readonly number[]): Promise<CachedChunk> {
    return this.cache.get(chunkCacheKey(this.store.url, this.path, coords), () => this.#load(coords));
  }

  async #load(coords: readonly number[]): Promise<LoadedChunk> {
    if (this.meta.sharded) {
      const chunk = await this.#decode(coords, undefined);
      return { data: chunk, fetchedBytes: 0 };
    }
    const key = this.chunkKey(coords);
    const bytes = await this.store.get(key);
    if (!bytes) return { data: null, fetchedBytes: 0 };
    return { data: await this.#decode(coords, bytes), fetchedBytes: bytes.byteLength };
  }

  async #decode(coords: readonly number[], bytes: Uint8Array | undefined): Promise<TypedArray> {
    const key = this.chunkKey(coords);
    const handoffKey = `/${key}`;
    const outer = this.meta.codecs[this.meta.codecs.length - 1]?.name;
    if (bytes && (outer === 'blosc' || outer === 'numcodecs.blosc')) {
      // Blosc trusts its header: a truncated chunk would decode past its end without an error.
      const problem = bloscHeaderProblem(bytes);
      if (problem) throw new CorruptChunkError(this.store.url, this.path, key, problem);
    }
    if (bytes) this.#handoff.set(handoffKey, bytes);
    let chunk: zarr.Chunk<zarr.DataType>;
    try {
      chunk = await this.#array.getChunk([...coords]);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      throw new CorruptChunkError(this.store.url, this.path, key, `${(err as Error).message}${cause !== err ? `: ${(cause as Error).message}` : ''}`, {
        cause: err,
      });
    } finally {
      if (bytes) this.#handoff.delete(handoffKey);
    }
    const expected = product(this.chunkShape);
    const data = chunk.data as TypedArray;
    if (!ArrayBuffer.isView(data) || data.length !== expected || !typedArrayMatches(data, this.dtype)) {
      const got = ArrayBuffer.isView(data) ? `${data.length} ${data.constructor.name} values` : typeof data;
      throw new CorruptChunkError(this.store.url, this.path, key, `decoded to ${got}, expected ${expected} ${typedArrayName(this.dtype)} values`);
    }
    return isCOrder(chunk.shape, chunk.stride) ? data : toCOrder(data, chunk.shape, chunk.stride);
  }

  async write(box: Box, data: NdArray): Promise<void> {
    if (this.store.readOnly) {
      throw new ReadOnlyVolumeError(`${this.url} is on a read-only store; write to a local path or s3:// instead`, this.url);
    }
    const extent = checkBox(box, this.shape, this.url);
    if (!typedArrayMatches(data.data, this.dtype) || (data.dtype !== undefined && data.dtype !== this.dtype)) {
      throw new DTypeMismatchError(
        `cannot write ${data.dtype ?? data.data.constructor.name} data into ${this.url} of dtype ${this.dtype}; convert it to a ${typedArrayName(this.dtype)} first`,
        this.url,
      );
    }
    checkDataSize(data.data.length, extent, this.url);
    const encoder = await (this.#encoder ??= createChunkEncoder(this.url, this.meta.codecs, {
      dataType: this.dtype === 'float16' ? 'uint16' : this.dtype,
      shape: [...this.chunkShape],
    }));
    const coords = this.#chunksOf(box);
    await runPool(coords, Math.min(this.concurrency, 4), (c) =>
      this.#locked(this.chunkKey(c), () => this.#writeChunk(c, box, extent, data.data, encoder)),
    );
  }

  async #writeChunk(c: readonly number[], box: Box, extent: readonly number[], src: TypedArray, encoder: ChunkEncoder): Promise<void> {
    const cs = this.chunkShape;
    const srcStart: number[] = [];
    const dstStart: number[] = [];
    const ext: number[] = [];
    let whole = true;
    for (let a = 0; a < c.length; a++) {
      const origin = c[a]! * cs[a]!;
      const validStop = Math.min(origin + cs[a]!, this.shape[a]!);
      const lo = Math.max(box.start[a]!, origin);
      const hi = Math.min(box.stop[a]!, validStop);
      if (lo !== origin || hi !== validStop) whole = false;
      srcStart.push(lo - box.start[a]!);
      dstStart.push(lo - origin);
      ext.push(hi - lo);
    }
    let buf: TypedArray;
    if (whole) {
      buf = typedArrayFor(this.dtype, product(cs));
      if (this.#fillBits !== 0) buf.fill(this.#fillBits);
    } else {
      const current = await this.readChunk(c);
      if (current.data) {
        buf = current.data.slice();
      } else {
        buf = typedArrayFor(this.dtype, product(cs));
        if (this.#fillBits !== 0) buf.fill(this.#fillBits);
      }
    }
    copyRegion(src, extent, srcStart, buf, cs, dstStart, ext);
    const key = this.chunkKey(c);
    const rel = chunkKeyOf(this.meta, c);
    const cacheKey = chunkCacheKey(this.store.url, this.path, c);
    if (!this.writeEmptyChunks && isAllFill(buf, this.dtype, this.#fillBits)) {
      if (this.#keysLoaded?.has(rel) ?? this.#headCache.get(key) ?? true) await this.store.delete(key);
      this.#keysLoaded?.delete(rel);
      this.#headCache.set(key, false);
      this.cache.set(cacheKey, { data: null });
      return;
    }
    const bytes = await encoder.encode(buf);
    await this.store.set(key, bytes);
    this.#keysLoaded?.add(rel);
    this.#headCache.set(key, true);
    this.cache.set(cacheKey, { data: buf });
  }

  /**
   * Whether the chunk at `coords` is stored. The array's keys are listed once and remembered (one
   * request per volume, then free); stores that cannot list are asked per chunk (HEAD), also remembered.
   */
  async hasChunk(coords: readonly number[]): Promise<boolean> {
    const grid = this.chunkGrid;
    if (coords.length !== grid.length || coords.some((c, a) => !Number.isInteger(c) || c < 0 || c >= grid[a]!)) {
      throw new BoxOutOfRangeError(`chunk (${coords.join(', ')}) is outside the chunk grid (${grid.join(', ')}) of ${this.url}`, this.url);
    }
    if (this.meta.sharded) return true;
    const keys = await this.#chunkKeys();
    if (keys) return keys.has(chunkKeyOf(this.meta, coords));
    const key = this.chunkKey(coords);
    const known = this.#headCache.get(key);
    if (known !== undefined) return known;
    const exists = (await this.store.head(key)) !== undefined;
    this.#headCache.set(key, exists);
    return exists;
  }

  /** Keys (relative to the array) of every stored chunk, listed once; null when the store cannot list. */
  #chunkKeys(): Promise<Set<string> | null> {
    this.#keys ??= (async () => {
      const prefix = this.path === '' ? '' : `${this.path}/`;
      try {
        const keys = await this.store.list(prefix);
        const set = new Set<string>();
        for (const k of keys) {
          const rel = k.slice(prefix.length);
          if (!/(^|\/)(\.zarray|\.zattrs|\.zgroup|zarr\.json)$/.test(rel)) set.add(rel);
        }
        this.#keysLoaded = set;
        return set;
      } catch (err) {
        if (err instanceof UnsupportedOperationError) {
          this.#keysLoaded = null;
          return null;
        }
        this.#keys = undefined;
        throw err;
      }
    })();
    return this.#keys;
  }

  /** Forgets the remembered chunk list (after other processes wrote to the array). */
  refreshChunkList(): void {
    this.#keys = undefined;
    this.#keysLoaded = undefined;
    this.#headCache.clear();
  }

  async setAttributes(attributes: Record<string, unknown>): Promise<void> {
    if (this.store.readOnly) {
      throw new ReadOnlyVolumeError(`${this.url} is on a read-only store; its attributes cannot be changed`, this.url);
    }
    const merged = { ...this.attributes, ...attributes };
    if (this.#attributeTarget) await this.#attributeTarget.write(attributes);
    else await writeArrayAttributes(this.store, this.path, this.meta, merged);
    this.attributes = merged;
    if (!this.#attributeTarget) this.meta.attributes = merged;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#locks.values()]);
  }

  /** Chunk coordinates of every chunk that `box` touches, in C order. */
  #chunksOf(box: Box): number[][] {
    const rank = this.shape.length;
    const lo: number[] = [];
    const hi: number[] = [];
    for (let a = 0; a < rank; a++) {
      if (box.stop[a]! <= box.start[a]!) return [];
      lo.push(Math.floor(box.start[a]! / this.chunkShape[a]!));
      hi.push(Math.ceil(box.stop[a]! / this.chunkShape[a]!));
    }
    const out: number[][] = [];
    const idx = [...lo];
    if (rank === 0) return [[]];
    for (;;) {
      out.push([...idx]);
      let a = rank - 1;
      for (; a >= 0; a--) {
        idx[a]!++;
        if (idx[a]! < hi[a]!) break;
        idx[a] = lo[a]!;
      }
      if (a < 0) return out;
    }
  }

  /** Runs `fn` after every earlier locked task on `key` (serializes read-modify-writes of one chunk). */
  async #locked(key: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.#locks.get(key);
    const run = prev ? prev.then(fn) : fn();
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}

/** Why `bytes` cannot be a whole Blosc frame (its header's compressed size must match), or undefined. */
function bloscHeaderProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < 16) return `${bytes.length} bytes is shorter than a Blosc header`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cbytes = view.getUint32(12, true);
  if (cbytes !== bytes.length) return `Blosc header says ${cbytes} compressed bytes, the chunk has ${bytes.length}`;
  return undefined;
}

function shardShape(meta: ZarrArrayMeta): number[] {
  const grid = meta.document.chunk_grid as { configuration: { chunk_shape: number[] } };
  return grid.configuration.chunk_shape;
}

/** Runs `fn` over `items` with at most `limit` running at once; rejects with the first error. */
export async function runPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, items.length); i++) workers.push(worker());
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** Whether every element of `buf` equals the fill value (NaN fill matches NaN). */
export function isAllFill(buf: TypedArray, dtype: DType, fillBits: number): boolean {
  const n = buf.length;
  if (dtype === 'float16' && (fillBits & 0x7c00) === 0x7c00 && (fillBits & 0x3ff) !== 0) {
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      if ((b & 0x7c00) !== 0x7c00 || (b & 0x3ff) === 0) return false;
    }
    return true;
  }
  if (Number.isNaN(fillBits)) {
    for (let i = 0; i < n; i++) if (buf[i] === buf[i]) return false;
    return true;
  }
  for (let i = 0; i < n; i++) if (buf[i] !== fillBits) return false;
  return true;
}

function isCOrder(shape: readonly number[], stride: readonly number[]): boolean {
  const c = cStrides(shape);
  for (let a = 0; a < shape.length; a++) if (shape[a]! > 1 && c[a] !== stride[a]) return false;
  return true;
}

/** Copies a strided (F-order or transposed) chunk into C order. */
function toCOrder(data: TypedArray, shape: readonly number[], stride: readonly number[]): TypedArray {
  const out = new (data.constructor as new (n: number) => TypedArray)(data.length);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[src]!;
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]!++;
      src += stride[a]!;
      if (idx[a]! < shape[a]!) break;
      src -= idx[a]! * stride[a]!;
      idx[a] = 0;
    }
  }
  return out;
}
