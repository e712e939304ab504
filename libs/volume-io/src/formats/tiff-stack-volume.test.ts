import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as tiffDecode } from 'tiff';
import { openStore, type ByteRange, type Store } from '@voxelflow/remote-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../types';
import { typedArrayFor } from '../dtype';
import {
  createTiffFile,
  createTiffStack,
  encodeTiff,
  ImageNotFoundError,
  openTiffFile,
  openTiffStack,
  UnreadableImageError,
  UnsupportedDTypeError,
} from './index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-tiffstack-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const H = 6;
const W = 9;

/** A slice whose every voxel encodes (tag, position), so a wrong slice or offset shows. */
function slice(tag: number): Uint16Array {
  const a = new Uint16Array(H * W);
  for (let i = 0; i < a.length; i++) a[i] = tag * 1000 + i;
  return a;
}

/** Wraps a real store and records the keys read. */
function countingStore(inner: Store): { store: Store; gets: string[] } {
  const gets: string[] = [];
  const store: Store = {
    url: inner.url,
    readOnly: inner.readOnly,
    get: (key: string, range?: ByteRange) => {
      gets.push(key);
      return inner.get(key, range);
    },
    set: (k, b) => inner.set(k, b),
    list: (p) => inner.list(p),
    delete: (k) => inner.delete(k),
    head: (k) => inner.head(k),
  };
  return { store, gets };
}

describe('TiffStackVolume', () => {
  it('orders slices by the number in the name (2 before 10), ignoring other files', async () => {
    const folder = join(dir, 'numeric');
    await mkdir(folder);
    for (const [name, tag] of [['10.tif', 10], ['2.tif', 2], ['001.tif', 1], ['slice_0005.tiff', 5]] as const) {
      await writeFile(join(folder, name), encodeTiff([{ data: slice(tag), shape: [H, W] }]));
    }
    await writeFile(join(folder, 'notes.txt'), 'not a slice');
    await writeFile(join(folder, 'preview.png'), 'not a slice either');
    const vol = await openTiffStack(folder);
    expect(vol.shape).toEqual([4, H, W]);
    expect(vol.dtype).toBe('uint16');
    expect(vol.format).toBe('tiff-stack');
    expect(vol.sliceKeys).toEqual(['001.tif', '2.tif', 'slice_0005.tiff', '10.tif']);
    const col = await vol.read({ start: [0, 0, 0], stop: [4, 1, 1] });
    expect(Array.from(col.data)).toEqual([1000, 2000, 5000, 10000]);
  });

  it('reads only the slices a box crosses, and serves the sub-box', async () => {
    const folder = join(dir, 'lazy');
    await mkdir(folder);
    for (let z = 0; z < 8; z++) await writeFile(join(folder, `${String(z).padStart(3, '0')}.tif`), encodeTiff([{ data: slice(z), shape: [H, W] }], { compression: 'deflate' }));
    const { store, gets } = countingStore(await openStore(folder));
    const vol = await openTiffStack(store);
    gets.length = 0;
    const box = await vol.read({ start: [3, 1, 2], stop: [5, 3, 5] });
    expect([...new Set(gets)].sort()).toEqual(['003.tif', '004.tif']);
    expect(box.shape).toEqual([2, 2, 3]);
    expect(Array.from(box.data)).toEqual([3000 + 11, 3000 + 12, 3000 + 13, 3000 + 20, 3000 + 21, 3000 + 22, 4011, 4012, 4013, 4020, 4021, 4022]);
    gets.length = 0;
    await vol.read({ start: [3, 0, 0], stop: [4, H, W] });
    expect(gets).toEqual([]); // cached
  });

  for (const dtype of ['uint8', 'uint16', 'int16', 'float32'] as DType[]) {
    it(`creates a ${dtype} stack from whole and partial slice writes; reopened values match; the tiff package reads a file`, async () => {
      const folder = join(dir, `out-${dtype}`);
      const Z = 4;
      const expected = typedArrayFor(dtype, Z * H * W);
      for (let i = 0; i < expected.length; i++) expected[i] = dtype === 'float32' ? i * 0.5 - 7.25 : dtype === 'int16' ? -i * 3 : i % 250;
      const vol = await createTiffStack(folder, { shape: [Z, H, W], dtype, compression: dtype === 'uint8' ? 'none' : 'deflate' });
      // Slices 0–1 whole (stored at once), slice 2 in two halves, slice 3 in one corner only.
      await vol.write({ start: [0, 0, 0], stop: [2, H, W] }, { data: expected.subarray(0, 2 * H * W), shape: [2, H, W] });
      expect((await readdir(folder)).sort()).toEqual(['00.tif', '01.tif']);
      const top = expected.slice(2 * H * W, 2 * H * W + 3 * W);
      const bottom = expected.slice(2 * H * W + 3 * W, 3 * H * W);
      await vol.write({ start: [2, 0, 0], stop: [3, 3, W] }, { data: top, shape: [1, 3, W] });
      await vol.write({ start: [2, 3, 0], stop: [3, H, W] }, { data: bottom, shape: [1, H - 3, W] });
      expect((await readdir(folder)).sort()).toEqual(['00.tif', '01.tif', '02.tif']); // completed → stored
      const corner = expected.slice(3 * H * W, 3 * H * W + 2);
      await vol.write({ start: [3, 0, 0], stop: [4, 1, 2] }, { data: corner, shape: [1, 1, 2] });
      // Reads see pending data before close.
      expect(Array.from((await vol.read({ start: [3, 0, 0], stop: [4, 1, 3] })).data)).toEqual([corner[0], corner[1], 0]);
      await vol.close();
      expect((await readdir(folder)).sort()).toEqual(['00.tif', '01.tif', '02.tif', '03.tif']);

      const back = await openTiffStack(folder);
      expect(back.shape).toEqual([Z, H, W]);
      expect(back.dtype).toBe(dtype);
      const all = await back.read({ start: [0, 0, 0], stop: [Z, H, W] });
      const want: TypedArray = expected.slice();
      want.fill(0, 3 * H * W + 2);
      expect(Array.from(all.data)).toEqual(Array.from(want));

      const [ifd] = tiffDecode(await readFile(join(folder, '01.tif')));
      expect([ifd!.width, ifd!.height]).toEqual([W, H]);
      expect(Array.from(ifd!.data).slice(0, 5)).toEqual(Array.from(dtype === 'int16' ? new Uint16Array(new Int16Array(expected.subarray(H * W, H * W + 5)).buffer) : expected.subarray(H * W, H * W + 5)));
    });
  }

  it('a partial write to an existing slice keeps the rest of the slice', async () => {
    const folder = join(dir, 'edit');
    await mkdir(folder);
    for (let z = 0; z < 3; z++) await writeFile(join(folder, `${z}.tif`), encodeTiff([{ data: slice(z), shape: [H, W] }]));
    const vol = await openTiffStack(folder);
    await vol.write({ start: [1, 0, 0], stop: [2, 1, 1] }, { data: new Uint16Array([7]), shape: [1, 1, 1] });
    await vol.close();
    const back = await openTiffStack(folder);
    const s1 = (await back.read({ start: [1, 0, 0], stop: [2, H, W] })).data;
    const want = slice(1);
    want[0] = 7;
    expect(Array.from(s1)).toEqual(Array.from(want));
  });

  it('errors: missing folder, truncated slice, unsupported dtype', async () => {
    await expect(openTiffStack(join(dir, 'absent'))).rejects.toBeInstanceOf(ImageNotFoundError);

    const folder = join(dir, 'broken');
    await mkdir(folder);
    await writeFile(join(folder, '0.tif'), encodeTiff([{ data: slice(0), shape: [H, W] }]));
    const bad = encodeTiff([{ data: slice(1), shape: [H, W] }]);
    await writeFile(join(folder, '1.tif'), bad.subarray(0, bad.length - 60));
    const vol = await openTiffStack(folder);
    const err = await vol.read({ start: [1, 0, 0], stop: [2, 1, 1] }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(UnreadableImageError);
    expect((err as Error).message).toContain(join(folder, '1.tif'));
    expect((err as Error).message).not.toContain('\n');

    await expect(createTiffStack(join(dir, 'x'), { shape: [1, 1, 1], dtype: 'float16' })).rejects.toBeInstanceOf(UnsupportedDTypeError);
  });
});

describe('TiffFileVolume (multi-page)', () => {
  it('writes on close and reads back every page; the tiff package sees Z pages', async () => {
    const path = join(dir, 'multi.tif');
    const Z = 5;
    const vol = await createTiffFile(path, { shape: [Z, H, W], dtype: 'float32' });
    const data = new Float32Array(Z * H * W).map((_, i) => Math.sqrt(i) - 3);
    await vol.write({ start: [0, 0, 0], stop: [Z, H, W] }, { data, shape: [Z, H, W] });
    await vol.close();
    const ifds = tiffDecode(await readFile(path));
    expect(ifds).toHaveLength(Z);
    expect(ifds[4]!.sampleFormat).toBe(3);
    const back = await openTiffFile(path);
    expect(back.shape).toEqual([Z, H, W]);
    expect(back.format).toBe('tiff');
    expect(Array.from((await back.read({ start: [0, 0, 0], stop: [Z, H, W] })).data)).toEqual(Array.from(data));
    const part = await back.read({ start: [2, 1, 1], stop: [3, 2, 3] });
    expect(Array.from(part.data)).toEqual([data[2 * H * W + W + 1], data[2 * H * W + W + 2]]);
  });

  it('missing file → ImageNotFoundError naming it', async () => {
    const missing = join(dir, 'none.tif');
    const err = await openTiffFile(missing).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect((err as Error).message).toContain(missing);
  });
});
