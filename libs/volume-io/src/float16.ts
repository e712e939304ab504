/**
 * float16 ↔ float32 conversion on raw bits. Plain loops over 32-bit views, no lookup tables;
 * float32 → float16 rounds to nearest, ties to even, like numpy and IEEE 754.
 */
import { typedArrayMatches } from './dtype';
import type { DType, NdArray } from './types';

/** Decodes float16 bits to float32 values, into `dst` (allocated when omitted). */
export function float16ToFloat32(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  if (dst.length < src.length) throw new RangeError(`float16ToFloat32: dst holds ${dst.length} values, src ${src.length}`);
  const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const h = src[i]!;
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) {
      // Zero or subnormal: mant · 2^-24, exact in float32.
      dst[i] = (sign ? -mant : mant) * 5.960464477539063e-8;
    } else if (exp === 0x1f) {
      bits[i] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    } else {
      bits[i] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
    }
  }
  return dst;
}

/** Encodes float32 values as float16 bits (round to nearest even; overflow → ±Inf), into `dst`. */
export function float32ToFloat16(src: Float32Array, dst: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  if (dst.length < src.length) throw new RangeError(`float32ToFloat16: dst holds ${dst.length} values, src ${src.length}`);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const x = bits[i]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    const mant = x & 0x7fffff;
    let h: number;
    if (exp === 0xff) {
      // Inf stays Inf; NaN stays a (quiet) NaN with the top payload bits.
      h = sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
    } else {
      const e = exp - 112; // float16 biased exponent
      if (e >= 0x1f) {
        h = sign | 0x7c00;
      } else if (e <= 0) {
        if (e < -10) {
          h = sign;
        } else {
          const m = mant | 0x800000;
          const shift = 14 - e;
          let hm = m >>> shift;
          const rem = m & ((1 << shift) - 1);
          const half = 1 << (shift - 1);
          if (rem > half || (rem === half && (hm & 1) !== 0)) hm++;
          h = sign | hm;
        }
      } else {
        h = sign | (e << 10) | (mant >>> 13);
        const rem = mant & 0x1fff;
        // A carry out of the mantissa bumps the exponent, which is exactly right (up to Inf).
        if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++;
      }
    }
    dst[i] = h;
  }
  return dst;
}

/** Encodes one number as float16 bits. */
export function toFloat16Bits(value: number): number {
  return float32ToFloat16(Float32Array.of(value))[0]!;
}

/** Decodes one float16 bit pattern. */
export function fromFloat16Bits(bits: number): number {
  return float16ToFloat32(Uint16Array.of(bits))[0]!;
}

/**
 * The values of `nd` as float32 (a copy, or `nd.data` itself when it already is float32).
 * A Uint16Array is read as float16 when `nd.dtype` (or `dtype`) says so, else as uint16.
 */
export function toFloat32(nd: NdArray, dtype: DType | undefined = nd.dtype): Float32Array {
  const data = nd.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array && dtype === 'float16') return float16ToFloat32(data);
  if (dtype !== undefined && !typedArrayMatches(data, dtype)) {
    throw new TypeError(`toFloat32: data is a ${data.constructor.name} but dtype says ${dtype}`);
  }
  return Float32Array.from(data as ArrayLike<number>);
}
