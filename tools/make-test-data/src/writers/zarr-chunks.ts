/**
 * Writes an array's chunks through zarrita, one aligned chunk at a time, and leaves out every
 * chunk whose voxels all equal the fill value (as zarr-python does with write_empty_chunks=False):
 * tests of "skip empty" rely on those chunk files being absent.
 */
import * as zarr from 'zarrita';
import type { Mutable } from '@zarrita/storage';
import { extractBox, type Array3D } from '../array3d';

/** Which chunks were written and which were left out, as chunk grid indices. */
export interface ChunkReport {
  written: number[][];
  empty: number[][];
}

/** Writes all non-empty chunks of `a` into the opened zarrita array. */
export async function writeChunks(arr: zarr.Array<zarr.DataType, Mutable>, a: Array3D, chunks: number[], fill: number): Promise<ChunkReport> {
  const grid = a.shape.map((n, d) => Math.ceil(n / chunks[d]!));
  const report: ChunkReport = { written: [], empty: [] };
  for (let i = 0; i < grid[0]!; i++) {
    for (let j = 0; j < grid[1]!; j++) {
      for (let k = 0; k < grid[2]!; k++) {
        const start = [i, j, k].map((c, d) => c * chunks[d]!);
        const size = start.map((s, d) => Math.min(chunks[d]!, a.shape[d]! - s));
        const data = extractBox(a, start, size);
        if (data.every((v) => v === fill)) {
          report.empty.push([i, j, k]);
          continue;
        }
        const selection = start.map((s, d) => zarr.slice(s, s + size[d]!));
        const stride = [size[1]! * size[2]!, size[2]!, 1];
        await zarr.set(arr, selection, { data, shape: size, stride } as never);
        report.written.push([i, j, k]);
      }
    }
  }
  return report;
}
