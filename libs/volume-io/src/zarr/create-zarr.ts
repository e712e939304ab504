/**
 * Creating Zarr arrays: validate the request, deal with what is already stored (reuse an identical
 * array so reruns are safe, refuse a different one unless `overwrite`), write the metadata.
 */
import type { Store } from '@voxelflow/remote-storage';
import { defaultChunkCache, type ChunkCache } from '../chunk-cache';
import { isDType } from '../dtype';
import { VolumeExistsError } from '../errors';
import { UnsupportedDTypeError, UnsupportedFormatError } from '../formats/errors';
import { identityGeometry } from '../formats/whole-file-volume';
import type { DType, Geometry, ZarrCodec } from '../types';
import { DEFAULT_ZARR_CODEC, installZarrCodecs } from './codecs';
import { metaFromSpec, readArrayMeta, writeArrayMeta, type NewArraySpec, type ZarrArrayMeta } from './metadata';
import { detectZarrNode } from './open-zarr';
import { ZarrVolume, runPool } from './zarr-volume';

/** Options of `createVolume` for Zarr arrays. */
export interface CreateZarrOptions {
  /** Zarr v2 (`.zarray`) or v3 (`zarr.json`). */
  format: 'zarr2' | 'zarr3';
  /** Array shape, C order. */
  shape: number[];
  /** Element type. */
  dtype: DType;
  /** Chunk shape, one entry per axis of `shape`. */
  chunkShape: number[];
  /** Default: Blosc-zstd level 3 with byte shuffle. */
  codec?: ZarrCodec;
  /** Value of absent chunks (default 0). */
  fillValue?: number;
  /** Attributes to store with the array (`.zattrs` / `zarr.json` attributes). */
  attributes?: Record<string, unknown>;
  /** Chunk key separator: v2 default '.', v3 default '/'. */
  dimensionSeparator?: '.' | '/';
  /** Axis names (v3 `dimension_names`, v2 `_ARRAY_DIMENSIONS`). */
  dimensionNames?: string[];
  /** Replace whatever is stored there (default false). */
  overwrite?: boolean;
  /** Decoded-chunk cache for reads of the new volume (default: the process-wide one). */
  cache?: ChunkCache;
  /** Store chunks that are entirely fill value instead of skipping them (default false). */
  writeEmptyChunks?: boolean;
  /** Geometry the returned volume reports (default: unit spacing, zero origin). */
  geometry?: Geometry;
}

const BLOSC_CNAMES = ['lz4', 'zstd', 'zlib', 'blosclz'];

/** Throws UnsupportedFormatError / UnsupportedDTypeError for requests that cannot be created. */
export function checkCreateOptions(url: string, o: CreateZarrOptions): void {
  const bad = (msg: string): never => {
    throw new UnsupportedFormatError(`cannot create ${url}: ${msg}`, url);
  };
  if (o.format !== 'zarr2' && o.format !== 'zarr3') bad(`format ${JSON.stringify(o.format)} is not 'zarr2' or 'zarr3'`);
  if (!isDType(o.dtype)) {
    throw new UnsupportedDTypeError(`cannot create ${url}: dtype ${JSON.stringify(o.dtype)} is not one of uint8, int8, uint16, int16, uint32, int32, float16, float32, float64`, url);
  }
  const ints = (v: unknown, min: number): boolean => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= min);
  if (!ints(o.shape, 0)) bad(`shape ${JSON.stringify(o.shape)} must be non-negative integers`);
  if (!ints(o.chunkShape, 1) || o.chunkShape.length !== o.shape.length) {
    bad(`chunkShape ${JSON.stringify(o.chunkShape)} must be positive integers, one per axis of shape (${o.shape.join(', ')})`);
  }
  const c = o.codec;
  if (c) {
    if (c.name === 'blosc') {
      if (!BLOSC_CNAMES.includes(c.cname)) bad(`blosc cname ${JSON.stringify(c.cname)} is not one of ${BLOSC_CNAMES.join(', ')}`);
      if (!['noshuffle', 'shuffle', 'bitshuffle'].includes(c.shuffle)) bad(`blosc shuffle ${JSON.stringify(c.shuffle)} is not noshuffle, shuffle or bitshuffle`);
      if (!Number.isInteger(c.clevel) || c.clevel < 0 || c.clevel > 9) bad(`blosc clevel ${c.clevel} is not 0–9`);
    } else if (c.name === 'zstd') {
      if (!Number.isInteger(c.level) || c.level < -131072 || c.level > 22) bad(`zstd level ${c.level} is not an integer up to 22`);
    } else if (c.name === 'gzip') {
      if (!Number.isInteger(c.level) || c.level < 0 || c.level > 9) bad(`gzip level ${c.level} is not 0–9`);
    } else if (c.name !== 'none') {
      bad(`codec ${JSON.stringify((c as { name: unknown }).name)} is not none, blosc, zstd or gzip`);
    }
  }
}

/** Deletes every key below `path` (the whole store when ''). */
export async function deleteTree(store: Store, path: string): Promise<void> {
  const keys = await store.list(path === '' ? '' : `${path}/`);
  await runPool(keys, 8, (k) => store.delete(k));
}

function sameArray(meta: ZarrArrayMeta, o: CreateZarrOptions): boolean {
  const eq = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
  return meta.zarrFormat === (o.format === 'zarr2' ? 2 : 3) && meta.dtype === o.dtype && eq(meta.shape, o.shape) && eq(meta.chunkShape, o.chunkShape);
}

/**
 * Creates the array at `path` below `store` (see `createVolume`). Returns the existing array when
 * one with the same format, shape, dtype and chunks is already there (merging `attributes`).
 */
export async function createZarr(store: Store, path: string, options: CreateZarrOptions, format: 'zarr2' | 'zarr3' | 'ome-zarr' = options.format): Promise<ZarrVolume> {
  installZarrCodecs();
  const url = path === '' ? store.url : `${store.url}/${path}`;
  checkCreateOptions(url, options);
  const cache = options.cache ?? defaultChunkCache;
  const existing = await detectZarrNode(store, path);
  if (existing !== undefined) {
    if (options.overwrite) {
      await deleteTree(store, path);
      cache.deletePrefix(`${store.url}|${path}|`);
    } else {
      const meta = existing === 'zarr2' || existing === 'zarr3' ? await readArrayMeta(store, path, url) : undefined;
      if (meta && sameArray(meta, options)) {
        const volume = new ZarrVolume({
          store, path, format, meta, cache, geometry: options.geometry ?? identityGeometry(),
          ...(options.writeEmptyChunks !== undefined ? { writeEmptyChunks: options.writeEmptyChunks } : {}),
        });
        if (options.attributes && Object.keys(options.attributes).length > 0) await volume.setAttributes(options.attributes);
        return volume;
      }
      const what = meta
        ? `a Zarr v${meta.zarrFormat} ${meta.dtype} array of shape (${meta.shape.join(', ')}) and chunks (${meta.chunkShape.join(', ')})`
        : `a Zarr ${existing === 'ome-zarr' ? 'OME-Zarr group' : 'group'}`;
      throw new VolumeExistsError(
        `${url} already holds ${what}, not the requested ${options.format} ${options.dtype} (${options.shape.join(', ')}) / (${options.chunkShape.join(', ')}); pass overwrite: true to replace it or choose another path`,
        url,
      );
    }
  }
  const spec: NewArraySpec = {
    format: options.format,
    shape: [...options.shape],
    chunkShape: [...options.chunkShape],
    dtype: options.dtype,
    codec: options.codec ?? DEFAULT_ZARR_CODEC,
    fillValue: options.fillValue ?? 0,
    attributes: options.attributes ?? {},
    dimensionSeparator: options.dimensionSeparator ?? (options.format === 'zarr2' ? '.' : '/'),
    ...(options.dimensionNames ? { dimensionNames: options.dimensionNames } : {}),
  };
  await writeArrayMeta(store, path, spec);
  const meta = metaFromSpec(spec, url);
  return new ZarrVolume({
    store, path, format, meta, cache, geometry: options.geometry ?? identityGeometry(),
    ...(options.writeEmptyChunks !== undefined ? { writeEmptyChunks: options.writeEmptyChunks } : {}),
  });
}
