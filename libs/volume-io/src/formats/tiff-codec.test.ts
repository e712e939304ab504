import { decode as tiffDecode } from 'tiff';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../types';
import { decodeTiff, encodeTiff, UnreadableImageError, UnsupportedDTypeError, type TiffCompression } from './index';

const H = 7;
const W = 5;
const PAGES = 3;

/** Values that exercise the extremes of each dtype. */
function sample(dtype: DType, n: number): TypedArray {
  const pick = <T extends TypedArray>(a: T, lo: number, hi: number): T => {
    for (let i = 0; i < n; i++) a[i] = i === 0 ? lo : i === 1 ? hi : lo + ((i * 7919) % (hi - lo + 1));
    return a;
  };
  switch (dtype) {
    case 'uint8':
      return pick(new Uint8Array(n), 0, 255);
    case 'int8':
      return pick(new Int8Array(n), -128, 127);
    case 'uint16':
      return pick(new Uint16Array(n), 0, 65535);
    case 'int16':
      return pick(new Int16Array(n), -32768, 32767);
    case 'float32': {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = Math.fround(Math.sin(i) * 1e3 - 0.125);
      return a;
    }
    case 'float64': {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = Math.cos(i) * 1e-3 + i;
      return a;
    }
    default:
      throw new Error(dtype);
  }
}

const BITS: Record<string, [number, number]> = {
  uint8: [8, 1],
  int8: [8, 2],
  uint16: [16, 1],
  int16: [16, 2],
  float32: [32, 3],
  float64: [64, 3],
};

describe('encodeTiff / decodeTiff', () => {
  for (const dtype of ['uint8', 'int8', 'uint16', 'int16', 'float32', 'float64'] as DType[]) {
    for (const compression of ['none', 'deflate'] as TiffCompression[]) {
      it(`round-trips ${dtype} ${compression}, and the tiff package reads the tags`, () => {
        const data = sample(dtype, PAGES * H * W);
        const bytes = encodeTiff({ data, shape: [PAGES, H, W] }, { compression });
        const pages = decodeTiff(bytes);
        expect(pages).toHaveLength(PAGES);
        for (let z = 0; z < PAGES; z++) {
          expect(pages[z]!.dtype).toBe(dtype);
          expect(pages[z]!.shape).toEqual([H, W]);
          expect(Array.from(pages[z]!.data)).toEqual(Array.from(data.subarray(z * H * W, (z + 1) * H * W)));
        }
        const ifds = tiffDecode(bytes);
        expect(ifds).toHaveLength(PAGES);
        const [bits, format] = BITS[dtype]!;
        for (const ifd of ifds) {
          expect(ifd.width).toBe(W);
          expect(ifd.height).toBe(H);
          expect(ifd.bitsPerSample).toBe(bits);
          expect(ifd.sampleFormat).toBe(format);
          expect(ifd.compression).toBe(compression === 'deflate' ? 8 : 1);
          expect(ifd.samplesPerPixel).toBe(1);
        }
      });
    }
  }

  it('writes pages libtiff (through sharp) reads with the same pixels, 8- and 16-bit', async () => {
    const u8 = sample('uint8', H * W) as Uint8Array;
    const tif8 = encodeTiff([{ data: u8, shape: [H, W] }], { compression: 'deflate' });
    expect(await sharp(tif8).metadata()).toMatchObject({ format: 'tiff', channels: 1, depth: 'uchar', width: W, height: H });
    const raw8 = await sharp(tif8).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(raw8.info).toMatchObject({ width: W, height: H, channels: 1 });
    expect(Array.from(raw8.data)).toEqual(Array.from(u8));

    const u16 = sample('uint16', H * W) as Uint16Array;
    const tif16 = encodeTiff([{ data: u16, shape: [H, W] }]);
    expect(await sharp(tif16).metadata()).toMatchObject({ format: 'tiff', channels: 1, depth: 'ushort' });
    const raw16 = await sharp(tif16).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    expect(raw16.info).toMatchObject({ width: W, height: H, channels: 1 });
    const back = new Uint16Array(raw16.data.buffer.slice(raw16.data.byteOffset, raw16.data.byteOffset + raw16.data.byteLength));
    expect(Array.from(back)).toEqual(Array.from(u16));
  });

  it('decodes only the pages asked for', () => {
    const data = sample('uint16', PAGES * H * W);
    const [p] = decodeTiff(encodeTiff({ data, shape: [PAGES, H, W] }), { pages: [2] });
    expect(Array.from(p!.data)).toEqual(Array.from(data.subarray(2 * H * W)));
  });

  it('accepts a Node Buffer as uint8 data', () => {
    const [p] = decodeTiff(encodeTiff([{ data: Buffer.from([1, 2, 3, 4]), shape: [2, 2] }]));
    expect(p!.dtype).toBe('uint8');
    expect(Array.from(p!.data)).toEqual([1, 2, 3, 4]);
  });

  it('rejects dtypes it cannot read back', () => {
    expect(() => encodeTiff([{ data: new Uint32Array(4), shape: [2, 2] }], { name: 'out.tif' })).toThrow(UnsupportedDTypeError);
    expect(() => encodeTiff([{ data: new Uint16Array(4), shape: [2, 2] }], { dtype: 'float16', name: 'out.tif' })).toThrow(/float16.*out\.tif/);
    expect(() => encodeTiff([{ data: new Uint16Array(4), shape: [2, 2] }], { dtype: 'float32' })).toThrow(UnsupportedDTypeError);
  });

  it('gives a one-line UnreadableImageError naming the file for truncated and junk bytes', () => {
    const bytes = encodeTiff({ data: sample('float32', PAGES * H * W), shape: [PAGES, H, W] });
    for (const bad of [bytes.subarray(0, bytes.length - 40), bytes.subarray(0, 100), new TextEncoder().encode('not a tiff at all')]) {
      let err: unknown;
      try {
        decodeTiff(bad, { name: '/data/slice.tif' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnreadableImageError);
      expect((err as Error).message).toContain('/data/slice.tif');
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
