/** Array-type helpers the formats need beyond the package's `dtype` module. */
import type { DType, TypedArray } from '../types';
import { bytesPerElement } from '../dtype';

/** The dtype an array's type stands for (a Uint16Array is taken as uint16, never float16). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/** A view of the same bytes as another dtype of the same width (e.g. Uint16Array → Int16Array). */
export function reinterpret(data: TypedArray, dtype: DType): TypedArray {
  const bpe = bytesPerElement(dtype);
  switch (dtype) {
    case 'int8':
      return new Int8Array(data.buffer, data.byteOffset, data.byteLength / bpe);
    case 'int16':
      return new Int16Array(data.buffer, data.byteOffset, data.byteLength / bpe);
    case 'uint8':
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength / bpe);
    case 'uint16':
    case 'float16':
      return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / bpe);
    case 'int32':
      return new Int32Array(data.buffer, data.byteOffset, data.byteLength / bpe);
    case 'uint32':
      return new Uint32Array(data.buffer, data.byteOffset, data.byteLength / bpe);
    case 'float32':
      return new Float32Array(data.buffer, data.byteOffset, data.byteLength / bpe);
    case 'float64':
      return new Float64Array(data.buffer, data.byteOffset, data.byteLength / bpe);
  }
}

/** Whether `data` can hold `dtype` (instanceof-based, so a Node Buffer counts as uint8). */
export function holdsDType(data: TypedArray, dtype: DType): boolean {
  return dtypeOfArray(data) === (dtype === 'float16' ? 'uint16' : dtype);
}
