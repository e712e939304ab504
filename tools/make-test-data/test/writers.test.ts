/** The small helpers and writers on their own: float16 conversion, multi-page 16-bit TIFF. */
import { Float16Array } from '@petamoriken/float16';
import { decode } from 'tiff';
import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from '../src/float16';
import { Random } from '../src/random';
import { encodeTiff } from '../src/writers/tiff';

describe('float16 helpers', () => {
  it('match known bit patterns', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [2 ** -24, 0x0001],
      [2 ** -14, 0x0400],
      [Infinity, 0x7c00],
      [1e6, 0x7c00],
      [1 + 2 ** -11, 0x3c00], // a tie rounds to even
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [v, bits] of cases) expect(toFloat16Bits(v), String(v)).toBe(bits);
    expect(fromFloat16Bits(0x3555)).toBeCloseTo(1 / 3, 3);
  });

  it('agree with an independent float16 implementation on random values', () => {
    const rng = new Random(1);
    const values = Array.from({ length: 5000 }, () => (rng.next() - 0.5) * 10 ** rng.int(-8, 5));
    const reference = new Uint16Array(new Float16Array(values).buffer);
    values.forEach((v, i) => {
      expect(toFloat16Bits(v)).toBe(reference[i]);
      expect(fromFloat16Bits(reference[i]!)).toBe(new Float16Array(reference.buffer)[i]);
    });
  });
});

describe('encodeTiff', () => {
  it('writes multi-page 16-bit stacks that the tiff package reads back', () => {
    const pages = [0, 1, 2].map((p) => Uint16Array.from({ length: 7 * 5 }, (_, i) => p * 20000 + i * 97));
    const decoded = decode(encodeTiff({ width: 7, height: 5, pages }));
    expect(decoded).toHaveLength(3);
    decoded.forEach((ifd, p) => {
      expect([ifd.width, ifd.height, ifd.bitsPerSample, ifd.compression]).toEqual([7, 5, 16, 1]);
      expect(Array.from(ifd.data)).toEqual(Array.from(pages[p]!));
    });
  });

  it('writes odd-sized 8-bit pages (IFDs stay word-aligned)', () => {
    const pages = [Uint8Array.from({ length: 3 * 3 }, (_, i) => i), Uint8Array.from({ length: 9 }, (_, i) => 255 - i)];
    const decoded = decode(encodeTiff({ width: 3, height: 3, pages }));
    expect(decoded.map((d) => Array.from(d.data))).toEqual(pages.map((p) => Array.from(p)));
  });
});
