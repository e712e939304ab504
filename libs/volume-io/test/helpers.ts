/** Test data and fixtures shared by the volume-io tests. */
import type { Store } from '@voxelflow/remote-storage';
import { float32ToFloat16 } from '../src/float16';
import { typedArrayFor } from '../src/dtype';
import type { DType, TypedArray, ZarrCodec } from '../src/types';

export const ALL_DTYPES: DType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float16', 'float32', 'float64'];

export const CODECS: ZarrCodec[] = [
  { name: 'none' },
  { name: 'blosc', cname: 'lz4', clevel: 5, shuffle: 'shuffle' },
  { name: 'blosc', cname: 'zstd', clevel: 3, shuffle: 'shuffle' },
  { name: 'blosc', cname: 'zstd', clevel: 1, shuffle: 'bitshuffle' },
  { name: 'blosc', cname: 'lz4', clevel: 1, shuffle: 'noshuffle' },
  { name: 'zstd', level: 3 },
  { name: 'gzip', level: 1 },
];

export const LAYOUTS = [
  { format: 'zarr2', dimensionSeparator: '.' },
  { format: 'zarr2', dimensionSeparator: '/' },
  { format: 'zarr3', dimensionSeparator: '/' },
] as const;

export function codecLabel(c: ZarrCodec): string {
  return c.name === 'blosc' ? `blosc-${c.cname}-${c.shuffle}` : c.name;
}

/**
 * Deterministic values of `dtype` for an array of `shape`, exercising the dtype's range (negative
 * values, large values, fractions). Voxels with index < `zeroBelow` on the first two axes are 0, so
 * the chunks there are empty.
 */
export function sample(dtype: DType, shape: readonly number[], seed = 1, zeroBelow = 0): TypedArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const f = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    f[i] = s / 2 ** 32;
  }
  const out = typedArrayFor(dtype, n);
  const plane = shape.slice(2).reduce((a, b) => a * b, 1);
  const rowLen = shape.length > 1 ? shape[1]! * plane : 1;
  for (let i = 0; i < n; i++) {
    const a0 = Math.floor(i / rowLen);
    const a1 = shape.length > 1 ? Math.floor((i % rowLen) / plane) : 0;
    if (a0 < zeroBelow && a1 < zeroBelow) continue;
    const u = f[i]!;
    switch (dtype) {
      case 'uint8': out[i] = Math.floor(u * 256); break;
      case 'int8': out[i] = Math.floor(u * 256) - 128; break;
      case 'uint16': out[i] = Math.floor(u * 65536); break;
      case 'int16': out[i] = Math.floor(u * 65536) - 32768; break;
      case 'uint32': out[i] = Math.floor(u * 2 ** 32); break;
      case 'int32': out[i] = Math.floor(u * 2 ** 32) - 2 ** 31; break;
      case 'float32': out[i] = (u - 0.5) * 1e4; break;
      case 'float64': out[i] = (u - 0.5) * 1e-7; break;
      case 'float16': break;
    }
  }
  if (dtype === 'float16') {
    const vals = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const a0 = Math.floor(i / rowLen);
      const a1 = shape.length > 1 ? Math.floor((i % rowLen) / plane) : 0;
      vals[i] = a0 < zeroBelow && a1 < zeroBelow ? 0 : (f[i]! - 0.5) * 200;
    }
    float32ToFloat16(vals, out as Uint16Array);
  }
  return out;
}

/** The C-order box [start, stop) of `data` (shape `shape`), for expected values. */
export function crop(data: TypedArray, shape: readonly number[], start: readonly number[], stop: readonly number[]): TypedArray {
  const ext = stop.map((e, a) => e - start[a]!);
  const n = ext.reduce((a, b) => a * b, 1);
  const out = new (data.constructor as new (n: number) => TypedArray)(n);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let a = 0; a < rank; a++) off = off * shape[a]! + start[a]! + idx[a]!;
    out[i] = data[off]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a]! < ext[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Element-wise equality that treats NaN as equal to NaN; returns the first differing index or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  }
  return -1;
}

/** Where one test's volumes live: write through `store`, read through `readStore` (the same except for HTTP). */
export interface Place {
  /** URL to open for reading (`readStore`'s root). */
  url: string;
  store: Store;
  readStore: Store;
}

/** A storage backend the shared suite runs against. */
export interface Backend {
  name: string;
  /** A fresh, empty place named `name`. */
  fresh(name: string): Promise<Place>;
  /** True when reads go through a read-only store (HTTP). */
  readOnly: boolean;
  /** Run the whole dtype × codec × layout matrix (local) or a subset (remote). */
  fullMatrix: boolean;
}
