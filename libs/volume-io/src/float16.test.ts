import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits, toFloat32 } from './float16';

// Oracle: @petamoriken/float16 (an independent implementation) through a DataView.
const view = new DataView(new ArrayBuffer(2));
function oracleDecode(bits: number): number {
  view.setUint16(0, bits, true);
  return getFloat16(view, 0, true);
}
function oracleEncode(x: number): number {
  setFloat16(view, 0, x, true);
  return view.getUint16(0, true);
}

describe('float16 conversion', () => {
  it('decodes all 65536 bit patterns like the reference implementation', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const out = float16ToFloat32(bits);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) {
      const want = oracleDecode(i);
      if (!(Object.is(out[i], want) || (Number.isNaN(want) && Number.isNaN(out[i]!)))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('round-trips every non-NaN float16 exactly, and keeps NaN a NaN', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(bits));
    for (let i = 0; i < 65536; i++) {
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (isNaN) expect((back[i]! & 0x7c00) === 0x7c00 && (back[i]! & 0x3ff) !== 0).toBe(true);
      else if (back[i] !== i) throw new Error(`bits ${i.toString(16)} came back as ${back[i]!.toString(16)}`);
    }
  });

  it('rounds float32 to nearest even like the reference, including ties, subnormals and overflow', () => {
    const values: number[] = [0, -0, 1, -1, 65504, 65519.99, 65520, 1e6, -1e6, 6.1e-5, 5.96e-8, 2.98e-8, 2.9802322387695312e-8, 1e-10, Infinity, -Infinity];
    // Exact ties between neighbouring float16 values: 1 + (k + 0.5)·2^-10.
    for (let k = 0; k < 8; k++) values.push(1 + (k + 0.5) / 1024, -(2048 + 2 * k + 1));
    // Ties in the subnormal range: (k + 0.5)·2^-24.
    for (let k = 0; k < 8; k++) values.push((k + 0.5) * 2 ** -24);
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20000; i++) values.push((rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 28));
    const src = Float32Array.from(values);
    const got = float32ToFloat16(src);
    for (let i = 0; i < src.length; i++) {
      const want = oracleEncode(src[i]!);
      if (got[i] !== want) throw new Error(`${src[i]} → ${got[i]!.toString(16)}, reference ${want.toString(16)}`);
    }
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(fromFloat16Bits(0xc000)).toBe(-2);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });

  it('writes into a given destination and rejects a short one', () => {
    const dst = new Float32Array(3);
    expect(float16ToFloat32(Uint16Array.of(0x3c00, 0x4000), dst)).toBe(dst);
    expect(Array.from(dst)).toEqual([1, 2, 0]);
    expect(() => float32ToFloat16(new Float32Array(4), new Uint16Array(2))).toThrow(RangeError);
  });

  it('toFloat32 reads a Uint16Array as float16 only when the dtype says so', () => {
    const bits = Uint16Array.of(0x3c00, 0x3800);
    expect(Array.from(toFloat32({ data: bits, shape: [2], dtype: 'float16' }))).toEqual([1, 0.5]);
    expect(Array.from(toFloat32({ data: bits, shape: [2] }))).toEqual([0x3c00, 0x3800]);
    expect(Array.from(toFloat32({ data: Int16Array.of(-3, 4), shape: [2] }))).toEqual([-3, 4]);
    const f = Float32Array.of(1.5);
    expect(toFloat32({ data: f, shape: [1] })).toBe(f);
  });
});
