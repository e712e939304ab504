import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTiff, NoLayersFoundError, openLayerFolder, ReadOnlyVolumeError, writeImage2D } from './index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-layers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const H = 4;
const W = 5;

function layer8(n: number): Uint8Array {
  return new Uint8Array(H * W).map((_, i) => (n * 10 + i) % 256);
}

async function segment(name: string, numbers: number[], digits = 2): Promise<string> {
  const seg = join(dir, name);
  await mkdir(join(seg, 'layers'), { recursive: true });
  for (const n of numbers) await writeFile(join(seg, 'layers', `${String(n).padStart(digits, '0')}.tif`), encodeTiff([{ data: layer8(n), shape: [H, W] }]));
  return seg;
}

describe('LayerFolderVolume', () => {
  it('reads layers/NN.tif for NN in [start, end) in numeric order as (L, H, W) uint8', async () => {
    const seg = await segment('seg', [0, 1, 2, 3, 9, 10, 11]);
    await writeFile(join(seg, 'layers', 'readme.txt'), 'x');
    await writeFile(join(seg, 'mask.png'), 'x');
    const vol = await openLayerFolder(seg, { start: 9, end: 12 });
    expect(vol.shape).toEqual([3, H, W]);
    expect(vol.dtype).toBe('uint8');
    expect(vol.format).toBe('layers');
    expect(vol.layerKeys).toEqual(['layers/09.tif', 'layers/10.tif', 'layers/11.tif']);
    const all = await vol.read({ start: [0, 0, 0], stop: [3, H, W] });
    expect(Array.from(all.data)).toEqual([...layer8(9), ...layer8(10), ...layer8(11)]);
    const box = await vol.read({ start: [1, 1, 2], stop: [3, 2, 4] });
    expect(Array.from(box.data)).toEqual([layer8(10)[W + 2], layer8(10)[W + 3], layer8(11)[W + 2], layer8(11)[W + 3]]);
    await expect(vol.write()).rejects.toBeInstanceOf(ReadOnlyVolumeError);
  });

  it('accepts the layers folder itself, with unpadded numbers (2 before 10)', async () => {
    const seg = await segment('unpadded', [1, 2, 10], 1);
    const vol = await openLayerFolder(join(seg, 'layers'), { start: 1, end: 3 });
    expect(vol.layerKeys).toEqual(['1.tif', '2.tif']);
  });

  it('scales 16-bit layers to uint8 by round(v / 257), never clipping', async () => {
    const seg = join(dir, 'sixteen');
    await mkdir(join(seg, 'layers'), { recursive: true });
    const v = new Uint16Array([0, 128, 129, 257, 385, 386, 32896, 65278, 65535, 1000, 40000, 300, 255, 256, 20000, 60000, 5, 6, 7, 8]);
    await writeFile(join(seg, 'layers', '00.tif'), encodeTiff([{ data: v, shape: [H, W] }], { compression: 'deflate' }));
    // The same numbers through a 16-bit PNG layer.
    await writeImage2D(join(seg, 'layers', '01.png'), { data: v, shape: [H, W] });
    const vol = await openLayerFolder(seg, { start: 0, end: 2 });
    const got = (await vol.read({ start: [0, 0, 0], stop: [2, H, W] })).data;
    const want = Array.from(v, (x) => Math.round(x / 257));
    expect(want.slice(0, 9)).toEqual([0, 0, 1, 1, 1, 2, 128, 254, 255]);
    expect(Array.from(got.subarray(0, H * W))).toEqual(want);
    expect(Array.from(got.subarray(H * W))).toEqual(want);
  });

  it('8-bit PNG layers are read as they are', async () => {
    const seg = join(dir, 'png8');
    await mkdir(join(seg, 'layers'), { recursive: true });
    for (const n of [0, 1]) await writeImage2D(join(seg, 'layers', `0${n}.png`), { data: layer8(n), shape: [H, W] });
    const vol = await openLayerFolder(seg, { start: 0, end: 2 });
    expect(Array.from((await vol.read({ start: [0, 0, 0], stop: [2, H, W] })).data)).toEqual([...layer8(0), ...layer8(1)]);
  });

  it('without a range, opens every layer from the smallest number to the largest', async () => {
    const seg = await segment('all', [3, 4, 5]);
    const vol = await openLayerFolder(seg);
    expect(vol.shape).toEqual([3, H, W]);
    expect(vol.attributes).toMatchObject({ start: 3, end: 6 });
    const gap = await segment('allgap', [3, 5]);
    await expect(openLayerFolder(gap)).rejects.toBeInstanceOf(NoLayersFoundError);
    const empty = (await openLayerFolder(join(dir, 'empty-seg')).catch((e: unknown) => e)) as NoLayersFoundError;
    expect(empty).toBeInstanceOf(NoLayersFoundError);
    expect(empty.message).toContain('empty-seg');
  });

  it('missing layers in the range → NoLayersFoundError naming the folder and the range', async () => {
    const seg = await segment('gaps', [0, 1, 3]);
    const err = (await openLayerFolder(seg, { start: 0, end: 5 }).catch((e: unknown) => e)) as NoLayersFoundError;
    expect(err).toBeInstanceOf(NoLayersFoundError);
    expect(err.message).toMatch(/^No layers found/);
    expect(err.message).toContain(join(seg, 'layers'));
    expect(err.message).toContain('[0, 5)');
    expect(err.missing).toEqual([2, 4]);
    expect(err.message).not.toContain('\n');

    const none = (await openLayerFolder(join(dir, 'does-not-exist'), { start: 0, end: 26 }).catch((e: unknown) => e)) as NoLayersFoundError;
    expect(none).toBeInstanceOf(NoLayersFoundError);
    expect(none.message).toContain('does-not-exist');
    expect(none.message).toContain('[0, 26)');
  });
});
