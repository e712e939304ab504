import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as pngDecode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageNotFoundError, readImage2D, UnreadableImageError, UnsupportedDTypeError, UnsupportedFormatError, writeImage2D } from './index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-image2d-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const H = 17;
const W = 23;

describe('writeImage2D / readImage2D', () => {
  it('8-bit PNG: round trip, and fast-png reads one 8-bit gray channel with the same pixels', async () => {
    const data = new Uint8Array(H * W).map((_, i) => (i * 37) % 256);
    const path = join(dir, 'mask.png');
    await writeImage2D(path, { data, shape: [H, W] });
    const png = pngDecode(await readFile(path));
    expect([png.width, png.height, png.depth, png.channels]).toEqual([W, H, 8, 1]);
    expect(Array.from(png.data)).toEqual(Array.from(data));
    const back = await readImage2D(path);
    expect(back.dtype).toBe('uint8');
    expect(back.shape).toEqual([H, W]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('16-bit PNG: round trip, and fast-png reads one 16-bit gray channel with the same pixels', async () => {
    const data = new Uint16Array(H * W).map((_, i) => (i * 2731) % 65536);
    data[0] = 65535;
    const path = join(dir, 'prob16.png');
    await writeImage2D(path, { data, shape: [H, W] }, { format: 'png' });
    const png = pngDecode(await readFile(path));
    expect([png.width, png.height, png.depth, png.channels]).toEqual([W, H, 16, 1]);
    expect(Array.from(png.data)).toEqual(Array.from(data));
    const back = await readImage2D(path);
    expect(back.dtype).toBe('uint16');
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('TIFF maps: uint8, uint16 and float32 round-trip', async () => {
    for (const data of [new Uint8Array(H * W).fill(9), new Uint16Array(H * W).map((_, i) => i * 100), new Float32Array(H * W).map((_, i) => i / 7)]) {
      const path = join(dir, `map-${data.constructor.name}.tif`);
      await writeImage2D(path, { data, shape: [H, W] });
      const back = await readImage2D(path);
      expect(back.shape).toEqual([H, W]);
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it('errors: float PNG, unknown extension, missing file, truncated PNG', async () => {
    await expect(writeImage2D(join(dir, 'f.png'), { data: new Float32Array(4), shape: [2, 2] })).rejects.toBeInstanceOf(UnsupportedDTypeError);
    await expect(writeImage2D(join(dir, 'f.bmp'), { data: new Uint8Array(4), shape: [2, 2] })).rejects.toBeInstanceOf(UnsupportedFormatError);
    const missing = join(dir, 'missing.png');
    const err = (await readImage2D(missing).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect(err.message).toContain(missing);

    const path = join(dir, 'whole.png');
    await writeImage2D(path, { data: new Uint8Array(64 * 64).map((_, i) => (i * 7919) % 251), shape: [64, 64] });
    const bytes = await readFile(path);
    const cut = join(dir, 'cut.png');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const err2 = (await readImage2D(cut).catch((e: unknown) => e)) as Error;
    expect(err2).toBeInstanceOf(UnreadableImageError);
    expect(err2.message).toContain(cut);
    expect(err2.message).not.toContain('\n');
  });
});
