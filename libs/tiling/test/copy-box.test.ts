import { describe, expect, it } from 'vitest';
import { copyBox, cropInto, extractPadded, TilingArgumentError } from '../src';

function ramp3(z: number, y: number, x: number): Float32Array {
  const a = new Float32Array(z * y * x);
  for (let i = 0; i < a.length; i++) a[i] = i + 1;
  return a;
}

/** Per-element reference: dst[p] = src[start + p] inside, fill outside. */
function naiveExtract(src: Float32Array, ss: number[], start: number[], ds: number[], fill: number): Float32Array {
  const out = new Float32Array(ds[0]! * ds[1]! * ds[2]!);
  for (let z = 0; z < ds[0]!; z++)
    for (let y = 0; y < ds[1]!; y++)
      for (let x = 0; x < ds[2]!; x++) {
        const sz = z + start[0]!;
        const sy = y + start[1]!;
        const sx = x + start[2]!;
        const inside = sz >= 0 && sy >= 0 && sx >= 0 && sz < ss[0]! && sy < ss[1]! && sx < ss[2]!;
        out[(z * ds[1]! + y) * ds[2]! + x] = inside ? src[(sz * ss[1]! + sy) * ss[2]! + sx]! : fill;
      }
  return out;
}

describe('extractPadded / cropInto', () => {
  const ss = [5, 6, 7];
  const src = ramp3(5, 6, 7);

  it('copies a box with zero padding wherever it leaves the source', () => {
    const ds = [4, 4, 4];
    for (const start of [[0, 0, 0], [1, 2, 3], [-2, 0, 0], [3, 4, 5], [-1, -3, 5], [4, -4, -4], [10, 0, 0], [-4, -4, -4]]) {
      const dst = new Float32Array(64).fill(99);
      extractPadded(src, ss, start, dst, ds);
      expect(dst, `start ${start.join(',')}`).toEqual(naiveExtract(src, ss, start, ds, 0));
    }
    const dst = new Float32Array(64);
    extractPadded(src, ss, [-1, -1, -1], dst, ds, -5);
    expect(dst).toEqual(naiveExtract(src, ss, [-1, -1, -1], ds, -5));
  });

  it('padding a small volume to the patch and cropping back is the identity', () => {
    const patch = new Float32Array(8 * 8 * 8);
    const start = [-1, -1, 0];
    extractPadded(src, ss, start, patch, [8, 8, 8]);
    const back = new Float32Array(src.length);
    cropInto(patch, [8, 8, 8], back, ss, start);
    expect(back).toEqual(src);
  });

  it('cropInto writes only the overlap', () => {
    const dst = new Float32Array(5 * 6 * 7).fill(-1);
    const patch = new Float32Array(27).fill(2);
    cropInto(patch, [3, 3, 3], dst, ss, [4, -1, 6]);
    const written = [...dst.keys()].filter((i) => dst[i] === 2);
    // z = 4, y ∈ {0, 1}, x = 6.
    expect(written).toEqual([(4 * 6 + 0) * 7 + 6, (4 * 6 + 1) * 7 + 6]);
  });

  it('converts element types with TypedArray.set and handles channel axes', () => {
    const u16 = Uint16Array.from([10, 20, 30, 40, 50, 60]);
    const out = new Float32Array(2 * 1 * 4);
    extractPadded(u16, [2, 1, 3], [0, 0, 1], out, [2, 1, 4]);
    expect([...out]).toEqual([20, 30, 0, 0, 50, 60, 0, 0]);
  });

  it('copyBox rejects boxes that do not fit', () => {
    expect(() => copyBox(src, ss, [0, 0, 0], new Float32Array(8), [2, 2, 2], [1, 0, 0], [2, 2, 2])).toThrow(TilingArgumentError);
    expect(() => extractPadded(src, ss, [0, 0], new Float32Array(8), [2, 2, 2])).toThrow(/one start per axis/);
    expect(() => extractPadded(src, ss, [0, 0, 0], new Float32Array(7), [2, 2, 2])).toThrow(/holds 7 values/);
  });
});
