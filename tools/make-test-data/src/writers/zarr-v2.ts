/**
 * Zarr v2 arrays and groups. zarrita only creates v3 metadata, so the `.zarray`, `.zgroup` and
 * `.zattrs` JSON is written here by hand; zarrita then opens the array as v2 and encodes the chunks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import { voxelType, type Array3D } from '../array3d';
import { stableStringify } from '../stable-json';
import { writeChunks, type ChunkReport } from './zarr-chunks';

/** A numcodecs compressor config as it appears in `.zarray`. */
export type V2Compressor =
  | { id: 'blosc'; cname: 'zstd' | 'lz4' | 'zlib' | 'blosclz'; clevel: number; shuffle: 0 | 1 | 2; blocksize: 0 }
  | { id: 'zstd'; level: number };

/** Options of {@link writeZarrV2Array}. */
export interface ZarrV2ArrayOptions {
  chunks: number[];
  compressor: V2Compressor;
  dimensionSeparator: '.' | '/';
  fillValue: number;
  /** Written to `.zattrs` when given. */
  attributes?: Record<string, unknown>;
}

const V2_DTYPE = { uint8: '|u1', uint16: '<u2', int16: '<i2', float32: '<f4' } as const;

/** Writes `a` as a Zarr v2 array in folder `dir` (created). */
export async function writeZarrV2Array(dir: string, a: Array3D, options: ZarrV2ArrayOptions): Promise<ChunkReport> {
  await mkdir(dir, { recursive: true });
  const meta = {
    zarr_format: 2,
    shape: a.shape,
    chunks: options.chunks,
    dtype: V2_DTYPE[voxelType(a.data)],
    compressor: options.compressor,
    fill_value: options.fillValue,
    order: 'C',
    filters: null,
    dimension_separator: options.dimensionSeparator,
  };
  await writeFile(join(dir, '.zarray'), stableStringify(meta) + '\n');
  if (options.attributes) await writeFile(join(dir, '.zattrs'), stableStringify(options.attributes) + '\n');
  const arr = await zarr.open.v2(zarr.root(new FileSystemStore(dir)), { kind: 'array' });
  return writeChunks(arr, a, options.chunks, options.fillValue);
}

/** Writes a Zarr v2 group (`.zgroup` and, when given, `.zattrs`) in folder `dir`. */
export async function writeZarrV2Group(dir: string, attributes?: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.zgroup'), stableStringify({ zarr_format: 2 }) + '\n');
  if (attributes) await writeFile(join(dir, '.zattrs'), stableStringify(attributes) + '\n');
}
