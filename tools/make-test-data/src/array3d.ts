/**
 * A 3D array in C order (last axis fastest), the in-memory form of every generated volume.
 */
import { TestDataError } from './errors';

export type VoxelArray = Uint8Array | Uint16Array | Int16Array | Float32Array;

/** Data type names as the manifest records them. */
export type VoxelType = 'uint8' | 'uint16' | 'int16' | 'float32';

/** A C-order 3D array: shape [d0, d1, d2] with d2 fastest. */
export interface Array3D<T extends VoxelArray = VoxelArray> {
  data: T;
  shape: [number, number, number];
}

/** The manifest name of an array's element type. */
export function voxelType(data: VoxelArray): VoxelType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int16Array) return 'int16';
  return 'float32';
}

/** Copies the box [start, start + size) out of an array (the box must lie inside it). */
export function extractBox<T extends VoxelArray>(a: Array3D<T>, start: number[], size: number[]): T {
  const [, n1, n2] = a.shape;
  const [s0, s1, s2] = start as [number, number, number];
  const [b0, b1, b2] = size as [number, number, number];
  const out = new (a.data.constructor as new (n: number) => T)(b0 * b1 * b2);
  for (let i = 0; i < b0; i++) {
    for (let j = 0; j < b1; j++) {
      const from = ((s0 + i) * n1 + (s1 + j)) * n2 + s2;
      out.set(a.data.subarray(from, from + b2) as never, (i * b1 + j) * b2);
    }
  }
  return out;
}

/** 2× mean downsampling of a float or integer array (integers rounded half up); shape must be even. */
export function downsampleMean2<T extends VoxelArray>(a: Array3D<T>): Array3D<T> {
  const [n0, n1, n2] = a.shape;
  if (n0 % 2 || n1 % 2 || n2 % 2) throw new TestDataError(`downsampleMean2: shape ${a.shape} is not even`);
  const shape: [number, number, number] = [n0 / 2, n1 / 2, n2 / 2];
  const out = new (a.data.constructor as new (n: number) => T)(shape[0] * shape[1] * shape[2]);
  const isFloat = a.data instanceof Float32Array;
  let o = 0;
  for (let i = 0; i < shape[0]; i++) {
    for (let j = 0; j < shape[1]; j++) {
      for (let k = 0; k < shape[2]; k++) {
        let sum = 0;
        for (let di = 0; di < 2; di++)
          for (let dj = 0; dj < 2; dj++)
            for (let dk = 0; dk < 2; dk++) sum += a.data[((2 * i + di) * n1 + 2 * j + dj) * n2 + 2 * k + dk]!;
        out[o++] = isFloat ? sum / 8 : Math.floor((sum + 4) / 8);
      }
    }
  }
  return { data: out, shape };
}
