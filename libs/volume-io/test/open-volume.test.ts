/** openVolume detects every format and hands it to the right reader. */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asNdarray } from '../src/ndarray-interop';
import { createMedicalImage, createTiffFile, createTiffStack } from '../src/formats';
import { openVolume } from '../src/open-volume';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-open-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const box = { start: [0, 0, 0], stop: [3, 4, 5] };
const data = Uint8Array.from({ length: 60 }, (_, i) => i);

describe('openVolume dispatch', () => {
  it('.nii.gz / .mha / .nrrd → medical image, with geometry', async () => {
    for (const [name, format] of [['ct.nii.gz', 'nifti'], ['ct.mha', 'metaimage'], ['ct.nrrd', 'nrrd']] as const) {
      const geometry = { spacing: [0.5, 0.75, 2] as [number, number, number], origin: [1, 2, 3] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [number, number, number, number, number, number, number, number, number] };
      const w = await createMedicalImage(join(dir, name), { shape: [3, 4, 5], dtype: 'uint8', geometry });
      await w.write(box, { data, shape: [3, 4, 5] });
      await w.close();
      const v = await openVolume(join(dir, name));
      expect(v.format).toBe(format);
      expect(v.geometry.spacing).toEqual([0.5, 0.75, 2]);
      expect(Array.from((await v.read(box)).data)).toEqual(Array.from(data));
    }
  });

  it('.tif file → multi-page TIFF; folder of .tif → TIFF stack; folder with layers/ → layer folder', async () => {
    const f = await createTiffFile(join(dir, 'stack.tif'), { shape: [3, 4, 5], dtype: 'uint8' });
    await f.write(box, { data, shape: [3, 4, 5] });
    await f.close();
    const tif = await openVolume(join(dir, 'stack.tif'));
    expect(tif.format).toBe('tiff');
    expect(Array.from((await tif.read(box)).data)).toEqual(Array.from(data));

    const s = await createTiffStack(join(dir, 'slices'), { shape: [3, 4, 5], dtype: 'uint8' });
    await s.write(box, { data, shape: [3, 4, 5] });
    await s.close();
    const stack = await openVolume(join(dir, 'slices'));
    expect(stack.format).toBe('tiff-stack');
    expect(Array.from((await stack.read(box)).data)).toEqual(Array.from(data));

    await mkdir(join(dir, 'segment'), { recursive: true });
    const layers = await createTiffStack(join(dir, 'segment', 'layers'), { shape: [3, 4, 5], dtype: 'uint8' });
    await layers.write(box, { data, shape: [3, 4, 5] });
    await layers.close();
    const seg = await openVolume(join(dir, 'segment'));
    expect(seg.format).toBe('layers');
    expect([...seg.shape]).toEqual([3, 4, 5]);
    const forced = await openVolume(join(dir, 'segment'), { format: 'layers', layers: { start: 1, end: 3 } });
    expect([...forced.shape]).toEqual([2, 4, 5]);
  });
});

describe('asNdarray', () => {
  it('views the same data with C-order strides', () => {
    const nd = asNdarray({ data, shape: [3, 4, 5] });
    expect(nd.shape).toEqual([3, 4, 5]);
    expect(nd.stride).toEqual([20, 5, 1]);
    expect(nd.get(2, 1, 3)).toBe(data[2 * 20 + 5 + 3]);
    expect(nd.data).toBe(data);
  });
});
