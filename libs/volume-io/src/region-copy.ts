/**
 * Copies between boxes of two C-order arrays one row (a run along the last axis) at a time with
 * `TypedArray.set`, which is what assembling a read from chunks, and chunks from a write, needs.
 */
import type { TypedArray } from './types';

/** Row-major strides of `shape` in elements. */
export function cStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a]!;
  }
  return strides;
}

/** Product of the entries of `shape` (1 for a scalar). */
export function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Copies the box of `extent` at `srcStart` in `src` (C-order, `srcShape`) to `dstStart` in `dst`
 * (C-order, `dstShape`). Both arrays must be the same typed-array kind.
 */
export function copyRegion(
  src: TypedArray,
  srcShape: readonly number[],
  srcStart: readonly number[],
  dst: TypedArray,
  dstShape: readonly number[],
  dstStart: readonly number[],
  extent: readonly number[],
): void {
  const rank = extent.length;
  if (product(extent) === 0) return;
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  const ss = cStrides(srcShape);
  const ds = cStrides(dstShape);
  let so = 0;
  let doff = 0;
  for (let a = 0; a < rank; a++) {
    so += srcStart[a]! * ss[a]!;
    doff += dstStart[a]! * ds[a]!;
  }
  const rowLen = extent[rank - 1]!;
  const s = src as Uint8Array;
  const d = dst as Uint8Array;
  // Whole contiguous block (same row-major layout below the first axis): one set().
  if (rank === 1 || sameTail(srcShape, dstShape, extent)) {
    const n = product(extent);
    d.set(s.subarray(so, so + n), doff);
    return;
  }
  const idx = new Array<number>(rank - 1).fill(0);
  for (;;) {
    if (rowLen >= 16) d.set(s.subarray(so, so + rowLen), doff);
    else for (let i = 0; i < rowLen; i++) d[doff + i] = s[so + i]!;
    let a = rank - 2;
    for (; a >= 0; a--) {
      idx[a]!++;
      so += ss[a]!;
      doff += ds[a]!;
      if (idx[a]! < extent[a]!) break;
      so -= idx[a]! * ss[a]!;
      doff -= idx[a]! * ds[a]!;
      idx[a] = 0;
    }
    if (a < 0) return;
  }
}

/** Fills the box of `extent` at `start` in `dst` (C-order, `shape`) with `value`. */
export function fillRegion(dst: TypedArray, shape: readonly number[], start: readonly number[], extent: readonly number[], value: number): void {
  const rank = extent.length;
  if (product(extent) === 0) return;
  const st = cStrides(shape);
  let off = 0;
  for (let a = 0; a < rank; a++) off += start[a]! * st[a]!;
  const rowLen = extent[rank - 1] ?? 1;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (;;) {
    dst.fill(value, off, off + rowLen);
    let a = rank - 2;
    for (; a >= 0; a--) {
      idx[a]!++;
      off += st[a]!;
      if (idx[a]! < extent[a]!) break;
      off -= idx[a]! * st[a]!;
      idx[a] = 0;
    }
    if (a < 0) return;
  }
}

/** True when the box is one contiguous run in both arrays: every axis after the first spans its whole array. */
function sameTail(srcShape: readonly number[], dstShape: readonly number[], extent: readonly number[]): boolean {
  for (let a = 1; a < extent.length; a++) {
    if (extent[a] !== srcShape[a] || extent[a] !== dstShape[a]) return false;
  }
  return true;
}
