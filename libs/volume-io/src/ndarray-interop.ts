import ndarray from 'ndarray';
import type { NdArray, TypedArray } from './types';

/** A scijs `ndarray` view of `nd` (same data, C-order strides) for code that works with ndarray. */
export function asNdarray<T extends TypedArray>(nd: NdArray<T>): ndarray.NdArray<T> {
  return ndarray(nd.data, nd.shape);
}
