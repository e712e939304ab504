/**
 * A dense C-order float32 array with its shape, e.g. a patch `[C, Z, Y, X]` or a batch
 * `[N, C, Z, Y, X]`.
 */
export interface NdArrayF32 {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}
