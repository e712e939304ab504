/**
 * Facts about generated arrays that the manifest records, so tests compare what a reader returns
 * with numbers instead of re-deriving the data.
 */
import { createHash } from 'node:crypto';
import type { Array3D, VoxelArray } from './array3d';
import { voxelType } from './array3d';
import { Random } from './random';

/** Summary of an array's values. */
export interface ArrayFacts {
  shape: number[];
  dtype: string;
  min: number;
  max: number;
  /** Sum of all voxels (float64 accumulation, in C order). */
  sum: number;
  nonZero: number;
  /** sha256 of the voxels as little-endian bytes in C order. */
  dataSha256: string;
}

/** The sha256 of a typed array's bytes (little-endian on every platform Node runs on here). */
export function sha256OfArray(data: VoxelArray | Uint8Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/** Min, max, sum, non-zero count and hash of an array. */
export function arrayFacts(shape: number[], data: VoxelArray): ArrayFacts {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nonZero = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v !== 0) nonZero++;
  }
  return { shape, dtype: voxelType(data), min, max, sum, nonZero, dataSha256: sha256OfArray(data) };
}

/** A few voxels (index in array order, value): the corners, the centre and seeded random ones. */
export function sampleVoxels(a: Array3D, count: number, seed: number): { index: number[]; value: number }[] {
  const [n0, n1, n2] = a.shape;
  const rng = new Random(seed);
  const picks: number[][] = [
    [0, 0, 0],
    [n0 - 1, n1 - 1, n2 - 1],
    [n0 >> 1, n1 >> 1, n2 >> 1],
  ];
  while (picks.length < count) picks.push([rng.int(0, n0 - 1), rng.int(0, n1 - 1), rng.int(0, n2 - 1)]);
  return picks.map((index) => ({ index, value: a.data[(index[0]! * n1 + index[1]!) * n2 + index[2]!]! }));
}
