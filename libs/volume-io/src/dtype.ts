/**
 * Dtype helpers: which typed array holds each dtype, and its width. float16 is held as raw bits in
 * a Uint16Array (Node 20 has no Float16Array).
 */
import type { DType, DTypeArrayMap, TypedArray } from './types';

type Ctor = { new (length: number): TypedArray; BYTES_PER_ELEMENT: number };

const CTORS: Record<DType, Ctor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Every dtype volume-io knows. */
export const DTYPES: readonly DType[] = Object.keys(CTORS) as DType[];

/** Whether `name` is a dtype volume-io knows. */
export function isDType(name: unknown): name is DType {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CTORS, name);
}

/** A zero-filled typed array of `length` elements of `dtype` (a Uint16Array of raw bits for float16). */
export function typedArrayFor<D extends DType>(dtype: D, length: number): DTypeArrayMap[D] {
  return new CTORS[dtype](length) as DTypeArrayMap[D];
}

/** Bytes per element of `dtype`. */
export function bytesPerElement(dtype: DType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** Whether `data` is the typed array that holds `dtype` (uint16 and float16 share Uint16Array). */
export function typedArrayMatches(data: TypedArray, dtype: DType): boolean {
  return data.constructor === CTORS[dtype];
}

/** The name of the typed array that holds `dtype`, for messages. */
export function typedArrayName(dtype: DType): string {
  return CTORS[dtype].name;
}
