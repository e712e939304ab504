/** Zarr v3 arrays, created and written with zarrita. */
import { mkdir } from 'node:fs/promises';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import { voxelType, type Array3D } from '../array3d';
import { writeChunks, type ChunkReport } from './zarr-chunks';

/** Options of {@link writeZarrV3Array}. */
export interface ZarrV3ArrayOptions {
  chunks: number[];
  /** Codecs after `bytes` (little-endian), e.g. `[{ name: 'zstd', configuration: { level: 3, checksum: false } }]`. */
  compressors: zarr.CodecMetadata[];
  fillValue: number;
  dimensionNames: string[];
  attributes?: Record<string, unknown>;
}

/** Writes `a` as a Zarr v3 array in folder `dir` (created); chunk keys `c/i/j/k`. */
export async function writeZarrV3Array(dir: string, a: Array3D, options: ZarrV3ArrayOptions): Promise<ChunkReport> {
  await mkdir(dir, { recursive: true });
  const arr = await zarr.create(zarr.root(new FileSystemStore(dir)), {
    shape: a.shape,
    chunkShape: options.chunks,
    dtype: voxelType(a.data),
    codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, ...options.compressors],
    fillValue: options.fillValue,
    chunkSeparator: '/',
    dimensionNames: options.dimensionNames,
    attributes: options.attributes ?? {},
  });
  return writeChunks(arr, a, options.chunks, options.fillValue);
}
