import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@voxelflow/remote-storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMultiscales, standardAxes } from './build-multiscales';
import { NgffFormatError, NgffNotFoundError, NgffValidationError } from './errors';
import { readNgff } from './read-ngff';
import type { Multiscale, NgffVersion } from './types';
import { validateLabelAttributes, validateMultiscales } from './validate';
import { writeLabelMetadata } from './write-label-metadata';
import { writeNgffAttributes } from './write-ngff';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-ngff-'));
  store = await openStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const json = async (p: string): Promise<any> => JSON.parse(await readFile(join(dir, p), 'utf8'));
const exists = (p: string): Promise<boolean> => stat(join(dir, p)).then(() => true, () => false);

function ms(version: NgffVersion): Multiscale {
  return buildMultiscales({
    version,
    name: 'probabilities',
    axes: standardAxes('zyx', 'micrometer'),
    datasets: [
      { path: '0', scale: [7.91, 7.91, 7.91], translation: [100, 0, 0] },
      { path: '1', scale: [15.82, 15.82, 15.82], translation: [103.955, 3.955, 3.955] },
    ],
    type: 'mean',
    metadata: { method: 'mean' },
  });
}

describe('writeNgffAttributes / readNgff', () => {
  it('0.4 writes .zattrs with top-level multiscales and a zarr_format 2 .zgroup', async () => {
    await writeNgffAttributes(store, 'out.zarr', { multiscales: [ms('0.4')] }, '0.4', { otherAttributes: { run: { model: 'm.onnx' } } });
    expect(await json('out.zarr/.zgroup')).toEqual({ zarr_format: 2 });
    const zattrs = await json('out.zarr/.zattrs');
    expect(zattrs.multiscales[0].version).toBe('0.4');
    expect(zattrs.multiscales[0].datasets[1].coordinateTransformations).toEqual([
      { type: 'scale', scale: [15.82, 15.82, 15.82] },
      { type: 'translation', translation: [103.955, 3.955, 3.955] },
    ]);
    expect(zattrs.run).toEqual({ model: 'm.onnx' });
    expect(await exists('out.zarr/zarr.json')).toBe(false);
    expect(validateMultiscales(zattrs, '0.4')).toEqual([]);

    const back = await readNgff(store, 'out.zarr');
    expect(back.version).toBe('0.4');
    expect(back.zarrFormat).toBe(2);
    expect(back.multiscales).toEqual([ms('0.4')]);
    expect(back.attributes.run).toEqual({ model: 'm.onnx' });
  });

  it('0.5 writes zarr.json (group, zarr_format 3) with attributes.ome', async () => {
    await writeNgffAttributes(store, '', { multiscales: [ms('0.5')] }, '0.5');
    const meta = await json('zarr.json');
    expect(meta.zarr_format).toBe(3);
    expect(meta.node_type).toBe('group');
    expect(meta.attributes.ome.version).toBe('0.5');
    expect(meta.attributes.ome.multiscales[0].version).toBeUndefined();
    expect(meta.attributes.multiscales).toBeUndefined();
    expect(validateMultiscales(meta.attributes, '0.5')).toEqual([]);
    expect(await exists('.zattrs')).toBe(false);
    const back = await readNgff(store);
    expect(back.version).toBe('0.5');
    expect(back.zarrFormat).toBe(3);
    expect(back.multiscales).toEqual([ms('0.5')]);
  });

  it('merges: keeps application attributes and NGFF keys not given', async () => {
    await writeNgffAttributes(store, 'g', { multiscales: [ms('0.5')] }, '0.5', { otherAttributes: { a: 1 } });
    await writeNgffAttributes(store, 'g', { omero: { channels: [{ window: { start: 0, end: 1, min: 0, max: 1 } }] } }, '0.5', {
      otherAttributes: { b: 2 },
    });
    const attrs = (await json('g/zarr.json')).attributes;
    expect(attrs.a).toBe(1);
    expect(attrs.b).toBe(2);
    expect(attrs.ome.multiscales).toHaveLength(1);
    expect(attrs.ome.omero.channels).toHaveLength(1);
  });

  it('refuses invalid metadata and writes nothing', async () => {
    const bad = { ...ms('0.4'), axes: standardAxes('zyx', 'um') };
    await expect(writeNgffAttributes(store, 'bad.zarr', { multiscales: [bad] }, '0.4')).rejects.toThrow(NgffValidationError);
    await expect(writeNgffAttributes(store, 'bad.zarr', { multiscales: [bad] }, '0.4')).rejects.toThrow(/bad\.zarr.*axes\[0\]\.unit/);
    expect(await exists('bad.zarr')).toBe(false);
  });

  it('refuses to mix Zarr formats in one group', async () => {
    await writeNgffAttributes(store, 'g', { multiscales: [ms('0.4')] }, '0.4');
    await expect(writeNgffAttributes(store, 'g', { multiscales: [ms('0.5')] }, '0.5')).rejects.toThrow(NgffFormatError);
  });

  it('typed errors for a missing group and broken JSON', async () => {
    await expect(readNgff(store, 'nothing')).rejects.toThrow(NgffNotFoundError);
    await store.set('broken/.zattrs', new TextEncoder().encode('{"multiscales": ['));
    await expect(readNgff(store, 'broken')).rejects.toThrow(/broken.*not valid JSON/);
    await store.set('arr/zarr.json', new TextEncoder().encode('{"zarr_format":3,"node_type":"array"}'));
    await expect(readNgff(store, 'arr')).rejects.toThrow(/array, not a group/);
  });

  it('reads 0.4-style metadata without a version as 0.4 (Vesuvius boilerplate)', async () => {
    // What pre-#692 Vesuvius finalize wrote: no coordinateTransformations, no version.
    const legacy = { multiscales: [{ axes: standardAxes('zyx'), datasets: [{ path: '0' }, { path: '1' }] }] };
    await store.set('legacy/.zattrs', new TextEncoder().encode(JSON.stringify(legacy)));
    const g = await readNgff(store, 'legacy');
    expect(g.version).toBe('0.4');
    const errors = validateMultiscales(g.attributes, '0.4').filter((p) => p.severity === 'error');
    expect(errors.map((p) => p.path)).toEqual([
      'multiscales[0].datasets[0].coordinateTransformations',
      'multiscales[0].datasets[1].coordinateTransformations',
    ]);
  });
});

describe('writeLabelMetadata', () => {
  for (const version of ['0.4', '0.5'] as const) {
    it(`declares a label image (${version})`, async () => {
      await writeNgffAttributes(store, 'img.zarr', { multiscales: [ms(version)] }, version);
      await writeNgffAttributes(store, 'img.zarr/labels/ink', { multiscales: [ms(version)] }, version);
      const imageLabel = { colors: [{ 'label-value': 1, rgba: [255, 0, 0, 255] as [number, number, number, number] }] };
      await writeLabelMetadata(store, { imagePath: 'img.zarr', name: 'ink', imageLabel, version });
      await writeLabelMetadata(store, { imagePath: 'img.zarr', name: 'ink', imageLabel, version }); // idempotent
      await writeLabelMetadata(store, { imagePath: 'img.zarr', name: 'papyrus', imageLabel, version });

      const labels = await readNgff(store, 'img.zarr/labels');
      expect(labels.content.labels).toEqual(['ink', 'papyrus']);
      const ink = await readNgff(store, 'img.zarr/labels/ink');
      expect(ink.content.imageLabel?.source).toEqual({ image: '../../' });
      expect(ink.content.imageLabel?.colors).toEqual(imageLabel.colors);
      expect(ink.multiscales).toHaveLength(1);
      expect(validateLabelAttributes(ink.attributes, version)).toEqual([]);
      expect(validateMultiscales(ink.attributes, version)).toEqual([]);
      if (version === '0.4') {
        expect((await json('img.zarr/labels/.zattrs')).labels).toEqual(['ink', 'papyrus']);
        expect((await json('img.zarr/labels/ink/.zattrs'))['image-label'].version).toBe('0.4');
      } else {
        expect((await json('img.zarr/labels/zarr.json')).attributes.ome).toEqual({ version: '0.5', labels: ['ink', 'papyrus'] });
      }
    });
  }
});
