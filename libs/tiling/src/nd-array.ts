/**
 * A dense C-order float32 array with its shape, e.g. a patch `[C, Z, Y, X]` or a batch
 * `[N, C, Z, Y, X]`.
 */
export interface NdArrayF32 {
  /** The values in C order (last axis fastest). */
  readonly data: Float32Array;
  /** Extent per axis; the product is `data.length`. */
  readonly shape: readonly number[];
}
