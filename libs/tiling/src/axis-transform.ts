import { shapeSize } from './box';
import { TilingArgumentError, TtaShapeError } from './errors';
import type { NdArrayF32 } from './nd-array';

/**
 * A test-time augmentation: a transform of a patch's trailing spatial axes and its exact inverse.
 * Leading axes (batch, channel) are carried along unchanged, so the input `[N, C_in, …]` and the
 * model's output `[N, C_out, …]` both work.
 */
export interface TtaTransform {
  /** Stable name for logs and run metadata, e.g. `identity`, `flip_zx`, `transpose_zy`, `rot90_yx_k1`. */
  readonly name: string;
  /** Number of trailing axes it acts on (2 or 3). */
  readonly spatialDims: number;
  /** Shape of `apply`'s output for an input of `shape` (same as `shape`: swapped axes must be equal). */
  outputShape(shape: readonly number[]): number[];
  /** dst ← T(src). `dst` must not share memory with `src`. */
  apply(src: NdArrayF32, dst: NdArrayF32): void;
  /** dst ← T⁻¹(src): maps a model output on the transformed patch back to the patch's frame. */
  invert(src: NdArrayF32, dst: NdArrayF32): void;
}

/**
 * A TTA transform made of an axis permutation and per-axis flips of the spatial axes.
 *
 * Output spatial axis a reads input spatial axis `perm[a]`, reversed when `flip[a]`:
 * `out[…, o] = in[…, i]` with `i[perm[a]] = flip[a] ? n − 1 − o[a] : o[a]`.
 * Flips of several axes, transpositions and 90° rotations are all of this form. Copies run
 * row by row: `TypedArray.set` when the innermost read is contiguous, a plain loop otherwise.
 */
export class AxisTransform implements TtaTransform {
  /** Number of trailing axes it acts on. */
  readonly spatialDims: number;
  /** Input axis read by each output axis. */
  readonly perm: readonly number[];
  /** Whether each output axis is reversed. */
  readonly flip: readonly boolean[];
  private readonly invPerm: number[];
  private readonly invFlip: boolean[];

  /**
   * @param name - stable name for logs and metadata
   * @param perm - input spatial axis read by each output spatial axis (a permutation of 0..n−1)
   * @param flip - whether each output spatial axis is reversed
   * @throws {@link TilingArgumentError} if perm is not a permutation or flip has another length
   */
  constructor(
    readonly name: string,
    perm: readonly number[],
    flip: readonly boolean[],
  ) {
    const n = perm.length;
    const seen = new Set(perm);
    if (n === 0 || flip.length !== n || seen.size !== n || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= n)) {
      throw new TilingArgumentError(`transform '${name}': perm [${perm.join(', ')}] must be a permutation of 0..${n - 1} with one flip per axis`);
    }
    this.spatialDims = n;
    this.perm = Object.freeze([...perm]);
    this.flip = Object.freeze([...flip]);
    this.invPerm = new Array<number>(n);
    this.invFlip = new Array<boolean>(n);
    for (let a = 0; a < n; a++) this.invPerm[perm[a]!] = a;
    for (let b = 0; b < n; b++) this.invFlip[b] = flip[this.invPerm[b]!]!;
  }

  /** True if the transform only flips (no axis moves), so it works on any patch shape. */
  get isFlipOnly(): boolean {
    return this.perm.every((p, a) => p === a);
  }

  /** The inverse as a transform of its own. */
  inverse(): AxisTransform {
    return new AxisTransform(`${this.name}^-1`, this.invPerm, this.invFlip);
  }

  /**
   * Checks that a patch shape suits this transform: swapped axes must have equal extents, since the
   * model's input shape is fixed.
   *
   * @param shape - full shape (leading axes allowed) or spatial shape
   * @throws {@link TtaShapeError} naming the transform, the shape and the axes that differ
   */
  checkShape(shape: readonly number[]): void {
    const off = shape.length - this.spatialDims;
    if (off < 0) {
      throw new TilingArgumentError(`TTA '${this.name}' needs at least ${this.spatialDims} axes, got shape [${shape.join(', ')}]`);
    }
    for (let a = 0; a < this.spatialDims; a++) {
      const b = this.perm[a]!;
      if (shape[off + a] !== shape[off + b]) {
        throw new TtaShapeError(
          `TTA '${this.name}' swaps spatial axes ${Math.min(a, b)} and ${Math.max(a, b)}, but patch [${shape.slice(off).join(', ')}] has different extents there: use a patch with equal extents on those axes, or mirroring TTA`,
        );
      }
    }
  }

  /** @inheritDoc */
  outputShape(shape: readonly number[]): number[] {
    this.checkShape(shape);
    return [...shape];
  }

  /** @inheritDoc */
  apply(src: NdArrayF32, dst: NdArrayF32): void {
    this.run(src, dst, this.perm, this.flip);
  }

  /** @inheritDoc */
  invert(src: NdArrayF32, dst: NdArrayF32): void {
    this.run(src, dst, this.invPerm, this.invFlip);
  }

  private run(src: NdArrayF32, dst: NdArrayF32, perm: readonly number[], flip: readonly boolean[]): void {
    const shape = src.shape;
    this.checkShape(shape);
    const total = shapeSize(shape);
    if (src.data.length !== total) {
      throw new TilingArgumentError(`TTA '${this.name}': source holds ${src.data.length} values, shape [${shape.join(', ')}] needs ${total}`);
    }
    if (dst.shape.length !== shape.length || dst.shape.some((d, i) => d !== shape[i]) || dst.data.length !== total) {
      throw new TilingArgumentError(
        `TTA '${this.name}': destination shape [${dst.shape.join(', ')}] (${dst.data.length} values) must equal the source shape [${shape.join(', ')}]`,
      );
    }
    if (src.data.buffer === dst.data.buffer) {
      const s0 = src.data.byteOffset;
      const d0 = dst.data.byteOffset;
      if (s0 < d0 + dst.data.byteLength && d0 < s0 + src.data.byteLength) {
        throw new TilingArgumentError(`TTA '${this.name}': source and destination overlap; use a separate destination buffer`);
      }
    }
    const nd = this.spatialDims;
    const off = shape.length - nd;
    const sp = shape.slice(off);
    const volume = shapeSize(sp);
    const blocks = volume === 0 ? 0 : total / volume;
    // Input strides per spatial axis, then the signed step and start offset for each output axis.
    const inStride = new Array<number>(nd);
    let s = 1;
    for (let b = nd - 1; b >= 0; b--) {
      inStride[b] = s;
      s *= sp[b]!;
    }
    const step = new Array<number>(nd);
    let origin = 0;
    for (let a = 0; a < nd; a++) {
      const st = inStride[perm[a]!]!;
      step[a] = flip[a] ? -st : st;
      if (flip[a]) origin += (sp[a]! - 1) * st;
    }
    const rowLen = sp[nd - 1]!;
    const rowStep = step[nd - 1]!;
    const rows = volume / rowLen;
    const counter = new Array<number>(nd - 1).fill(0);
    const sd = src.data;
    const dd = dst.data;
    for (let blk = 0; blk < blocks; blk++) {
      const base = blk * volume;
      let inOff = base + origin;
      let outOff = base;
      counter.fill(0);
      for (let r = 0; r < rows; r++) {
        if (rowStep === 1) {
          dd.set(sd.subarray(inOff, inOff + rowLen), outOff);
        } else {
          let i = inOff;
          for (let j = 0; j < rowLen; j++, i += rowStep) dd[outOff + j] = sd[i]!;
        }
        outOff += rowLen;
        // Advance the odometer over the outer output axes, carrying into slower axes.
        for (let a = nd - 2; a >= 0; a--) {
          inOff += step[a]!;
          if (++counter[a]! < sp[a]!) break;
          inOff -= step[a]! * sp[a]!;
          counter[a] = 0;
        }
      }
    }
  }
}
