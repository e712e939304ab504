import { cOrderStrides, shapeSize } from './box';
import { TilingArgumentError } from './errors';
import type { NumericArray } from './numeric-array';

function checkArray(what: string, data: NumericArray, shape: readonly number[]): void {
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new TilingArgumentError(`${what} shape [${shape.join(', ')}] must be non-negative integers`);
  }
  if (data.length !== shapeSize(shape)) {
    throw new TilingArgumentError(`${what} holds ${data.length} values but its shape [${shape.join(', ')}] needs ${shapeSize(shape)}`);
  }
}

/**
 * Copies the box `src[srcStart … srcStart + size)` to `dst[dstStart …)`, one innermost row at a time
 * with `TypedArray.set` (which converts between element types, e.g. Uint16 → Float32).
 *
 * @param src - source array (C-order)
 * @param srcShape - its shape
 * @param srcStart - box start in the source
 * @param dst - destination array (C-order)
 * @param dstShape - its shape, same rank
 * @param dstStart - box start in the destination
 * @param size - box extent; must fit in both arrays
 * @throws {@link TilingArgumentError} on mismatched ranks or lengths, or a box outside either array
 */
export function copyBox(
  src: NumericArray,
  srcShape: readonly number[],
  srcStart: readonly number[],
  dst: NumericArray,
  dstShape: readonly number[],
  dstStart: readonly number[],
  size: readonly number[],
): void {
  const nd = srcShape.length;
  if (nd === 0 || dstShape.length !== nd || srcStart.length !== nd || dstStart.length !== nd || size.length !== nd) {
    throw new TilingArgumentError(
      `copyBox needs the same non-zero rank everywhere: source [${srcShape.join(', ')}], destination [${dstShape.join(', ')}], size [${size.join(', ')}]`,
    );
  }
  checkArray('source', src, srcShape);
  checkArray('destination', dst, dstShape);
  for (let a = 0; a < nd; a++) {
    const n = size[a]!;
    if (n < 0 || srcStart[a]! < 0 || dstStart[a]! < 0 || srcStart[a]! + n > srcShape[a]! || dstStart[a]! + n > dstShape[a]!) {
      throw new TilingArgumentError(
        `box of size [${size.join(', ')}] from [${srcStart.join(', ')}] in [${srcShape.join(', ')}] to [${dstStart.join(', ')}] in [${dstShape.join(', ')}] does not fit (axis ${a})`,
      );
    }
  }
  if (size.some((n) => n === 0)) return;
  const ss = cOrderStrides(srcShape);
  const ds = cOrderStrides(dstShape);
  let srcOff = 0;
  let dstOff = 0;
  for (let a = 0; a < nd; a++) {
    srcOff += srcStart[a]! * ss[a]!;
    dstOff += dstStart[a]! * ds[a]!;
  }
  const rowLen = size[nd - 1]!;
  const rows = shapeSize(size) / rowLen;
  const counter = new Array<number>(nd - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    dst.set(src.subarray(srcOff, srcOff + rowLen), dstOff);
    for (let a = nd - 2; a >= 0; a--) {
      srcOff += ss[a]!;
      dstOff += ds[a]!;
      if (++counter[a]! < size[a]!) break;
      srcOff -= ss[a]! * size[a]!;
      dstOff -= ds[a]! * size[a]!;
      counter[a] = 0;
    }
  }
}

/**
 * Fills `dst` (shape `dstShape`) with the box of `src` that starts at `start`, padding everything
 * outside `src` with `fill`. `start` may be negative and the box may run past the end — the read of a
 * patch on a padded axis or at the volume border. Leading axes (channels) are part of the shape: pass
 * start 0 and the full extent for them.
 *
 * @param src - source array (C-order), e.g. a volume region
 * @param srcShape - its shape
 * @param start - box start in source coordinates, one per axis
 * @param dst - destination buffer, e.g. a patch; fully overwritten
 * @param dstShape - its shape, same rank; the box extent
 * @param fill - padding value (default 0)
 * @throws {@link TilingArgumentError} on mismatched ranks or lengths
 */
export function extractPadded(
  src: NumericArray,
  srcShape: readonly number[],
  start: readonly number[],
  dst: NumericArray,
  dstShape: readonly number[],
  fill = 0,
): void {
  const nd = srcShape.length;
  if (start.length !== nd || dstShape.length !== nd) {
    throw new TilingArgumentError(
      `extractPadded needs one start per axis of source [${srcShape.join(', ')}] and destination [${dstShape.join(', ')}], got [${start.join(', ')}]`,
    );
  }
  checkArray('destination', dst, dstShape);
  const srcStart: number[] = [];
  const dstStart: number[] = [];
  const size: number[] = [];
  let full = true;
  for (let a = 0; a < nd; a++) {
    const lo = Math.max(0, start[a]!);
    const hi = Math.min(srcShape[a]!, start[a]! + dstShape[a]!);
    const n = Math.max(0, hi - lo);
    if (n !== dstShape[a]) full = false;
    srcStart.push(Math.min(lo, srcShape[a]!));
    dstStart.push(n > 0 ? lo - start[a]! : 0);
    size.push(n);
  }
  if (!full) dst.fill(fill);
  if (size.some((n) => n === 0)) {
    checkArray('source', src, srcShape);
    return;
  }
  copyBox(src, srcShape, srcStart, dst, dstShape, dstStart, size);
}

/**
 * Writes the part of a patch that lies inside a destination array — the inverse of
 * {@link extractPadded}: padding is dropped, the rest lands at `start` in destination coordinates.
 *
 * @param src - the patch (C-order)
 * @param srcShape - its shape
 * @param dst - destination array, e.g. an output region; only the overlap is written
 * @param dstShape - its shape, same rank
 * @param start - where the patch's first element sits in destination coordinates (may be negative)
 * @throws {@link TilingArgumentError} on mismatched ranks or lengths
 */
export function cropInto(
  src: NumericArray,
  srcShape: readonly number[],
  dst: NumericArray,
  dstShape: readonly number[],
  start: readonly number[],
): void {
  const nd = srcShape.length;
  if (start.length !== nd || dstShape.length !== nd) {
    throw new TilingArgumentError(
      `cropInto needs one start per axis of patch [${srcShape.join(', ')}] and destination [${dstShape.join(', ')}], got [${start.join(', ')}]`,
    );
  }
  const srcStart: number[] = [];
  const dstStart: number[] = [];
  const size: number[] = [];
  for (let a = 0; a < nd; a++) {
    const lo = Math.max(0, start[a]!);
    const hi = Math.min(dstShape[a]!, start[a]! + srcShape[a]!);
    const n = Math.max(0, hi - lo);
    dstStart.push(n > 0 ? lo : 0);
    srcStart.push(n > 0 ? lo - start[a]! : 0);
    size.push(n);
  }
  if (size.some((n) => n === 0)) {
    checkArray('patch', src, srcShape);
    checkArray('destination', dst, dstShape);
    return;
  }
  copyBox(src, srcShape, srcStart, dst, dstShape, dstStart, size);
}
