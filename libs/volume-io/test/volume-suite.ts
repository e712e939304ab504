/**
 * The shared suite of Zarr Volume tests. It runs against every backend (local files, s3rver, and
 * read-only HTTP): volumes are written through `place.store` and read back through `place.readStore`.
 */
import { validateMultiscales } from '@voxelflow/ome-ngff';
import { InvalidKeyError, withByteCounter } from '@voxelflow/remote-storage';
import { describe, expect, it } from 'vitest';
import { ChunkCache } from '../src/chunk-cache';
import { createOmeZarr, createVolume } from '../src/create-volume';
import { CorruptChunkError, UnknownCodecError, VolumeExistsError } from '../src/errors';
import { ReadOnlyVolumeError } from '../src/formats/errors';
import { openVolume } from '../src/open-volume';
import type { DType, Volume, ZarrCodec } from '../src/types';
import { ZarrVolume } from '../src/zarr/zarr-volume';
import { ALL_DTYPES, CODECS, LAYOUTS, codecLabel, crop, firstDifference, sample, type Backend, type Place } from './helpers';

const SHAPE = [9, 10, 11];
const CHUNKS = [4, 4, 5];
const FULL = { start: [0, 0, 0], stop: SHAPE };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function reopen(place: Place, cache = new ChunkCache(), extra: Record<string, unknown> = {}): Promise<Volume> {
  return openVolume(place.url, { store: place.readStore, cache, ...extra });
}

/** Registers the suite; `backend()` is called inside the tests (after the backend's beforeAll). */
export function volumeSuite(backend: () => Backend): void {
  describe('round trip: layout × codec × dtype', () => {
    // Remote backends check the storage path with one codec per layout; the codecs themselves are
    // covered by the local matrix.
    const remoteCodec = ['blosc-zstd-shuffle', 'gzip', 'none'];
    for (const [li, layout] of LAYOUTS.entries()) {
      for (const codec of CODECS) {
        it(`${layout.format} '${layout.dimensionSeparator}' ${codecLabel(codec)}`, async () => {
          const b = backend();
          const remote = !b.fullMatrix;
          if (remote && codecLabel(codec) !== remoteCodec[li]) return;
          const dtypes: DType[] = remote ? ['uint8', 'int16', 'float16'] : ALL_DTYPES;
          for (const dtype of dtypes) {
            const place = await b.fresh(`rt-${layout.format}${layout.dimensionSeparator === '/' ? 's' : 'd'}-${codecLabel(codec)}-${dtype}.zarr`);
            const data = sample(dtype, SHAPE, 7, 4);
            const v = await createVolume(place.url, { ...layout, store: place.store, shape: SHAPE, dtype, chunkShape: CHUNKS, codec, cache: new ChunkCache() });
            await v.write(FULL, { data, shape: SHAPE, dtype });
            const r = await reopen(place);
            expect(r.format).toBe(layout.format);
            expect(r.dtype).toBe(dtype);
            expect([...r.shape]).toEqual(SHAPE);
            expect([...r.chunkShape]).toEqual(CHUNKS);
            const all = await r.read(FULL);
            expect(all.data.constructor).toBe(data.constructor);
            expect(firstDifference(all.data, data), `${dtype}: first differing voxel`).toBe(-1);
            const box = { start: [1, 2, 3], stop: [8, 9, 10] };
            const part = await r.read(box);
            expect(part.shape).toEqual([7, 7, 7]);
            expect(firstDifference(part.data, crop(data, SHAPE, box.start, box.stop))).toBe(-1);
            // Voxels with z < 4 and y < 4 are 0: those chunks were not stored.
            expect(await r.hasChunk([0, 0, 0])).toBe(false);
            expect(await r.hasChunk([0, 0, 2])).toBe(false);
            expect(await r.hasChunk([2, 2, 2])).toBe(true);
            expect(await r.hasChunk([0, 1, 0])).toBe(true);
          }
        });
      }
    }
  });

  it('partial writes read-modify-write whole and edge chunks', async () => {
    const b = backend();
    const place = await b.fresh('partial.zarr');
    const v = await createVolume(place.url, { format: 'zarr2', store: place.store, shape: SHAPE, dtype: 'uint16', chunkShape: CHUNKS, cache: new ChunkCache() });
    const expected = new Uint16Array(9 * 10 * 11);
    const boxes = [
      { start: [0, 0, 0], stop: [5, 6, 7] },
      { start: [3, 2, 4], stop: [9, 10, 11] },
      { start: [4, 4, 5], stop: [8, 8, 10] }, // exactly one whole chunk
      { start: [2, 0, 0], stop: [3, 10, 11] },
    ];
    let seed = 1;
    for (const box of boxes) {
      const ext = box.stop.map((e, a) => e - box.start[a]!);
      const part = sample('uint16', ext, seed++) as Uint16Array;
      await v.write(box, { data: part, shape: ext });
      let i = 0;
      for (let z = box.start[0]!; z < box.stop[0]!; z++)
        for (let y = box.start[1]!; y < box.stop[1]!; y++)
          for (let x = box.start[2]!; x < box.stop[2]!; x++) expected[(z * 10 + y) * 11 + x] = part[i++]!;
    }
    expect(firstDifference((await v.read(FULL)).data, expected)).toBe(-1);
    expect(firstDifference((await (await reopen(place)).read(FULL)).data, expected)).toBe(-1);
  });

  it('chunks that are all fill value are not stored, and are deleted when overwritten with fill', async () => {
    const b = backend();
    const place = await b.fresh('empty.zarr');
    const v = await createVolume(place.url, { format: 'zarr3', store: place.store, shape: SHAPE, dtype: 'float32', chunkShape: CHUNKS, cache: new ChunkCache() });
    const ones = new Float32Array(9 * 10 * 11).fill(1);
    await v.write(FULL, { data: ones, shape: SHAPE });
    const key = v.chunkKey([1, 1, 1]);
    expect(await place.store.head(key)).toBeDefined();
    // Zero one whole chunk: its object is deleted, reads give the fill value.
    await v.write({ start: [4, 4, 5], stop: [8, 8, 10] }, { data: new Float32Array(80), shape: [4, 4, 5] });
    expect(await place.store.head(key)).toBeUndefined();
    const r = await reopen(place);
    expect(await r.hasChunk([1, 1, 1])).toBe(false);
    const back = await r.read({ start: [4, 4, 5], stop: [8, 8, 10] });
    expect(back.data.every((x) => x === 0)).toBe(true);
    // With writeEmptyChunks the zeros are stored.
    (v as ZarrVolume).writeEmptyChunks = true;
    await v.write({ start: [4, 4, 5], stop: [8, 8, 10] }, { data: new Float32Array(80), shape: [4, 4, 5] });
    expect(await place.store.head(key)).toBeDefined();
  });

  it('reading the same region twice decodes each chunk once; bytesFetched = stored chunk bytes', async () => {
    const b = backend();
    const place = await b.fresh('cache.zarr');
    const v = await createVolume(place.url, { format: 'zarr2', store: place.store, shape: SHAPE, dtype: 'float16', chunkShape: CHUNKS, cache: new ChunkCache() });
    await v.write(FULL, { data: sample('float16', SHAPE, 3), shape: SHAPE });
    const cache = new ChunkCache();
    const r = await reopen(place, cache);
    const box = { start: [1, 1, 1], stop: [6, 9, 7] }; // chunks z 0–1, y 0–2, x 0–1: 12 chunks
    const first = await r.read(box);
    expect(cache.stats.chunksDecoded).toBe(12);
    expect(cache.stats.misses).toBe(12);
    let stored = 0;
    for (let z = 0; z < 2; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 2; x++) stored += (await place.readStore.head((r as ZarrVolume).chunkKey([z, y, x])))!.size;
    expect(cache.stats.bytesFetched).toBe(stored);
    const second = await r.read(box);
    expect(cache.stats.chunksDecoded).toBe(12);
    expect(cache.stats.bytesFetched).toBe(stored);
    expect(cache.stats.hits).toBe(12);
    expect(firstDifference(first.data, second.data)).toBe(-1);
    // A second reader sharing the cache decodes nothing either.
    const r2 = await reopen(place, cache);
    await r2.read(box);
    expect(cache.stats.chunksDecoded).toBe(12);
  });

  it('absent chunks read as the fill value (not an error)', async () => {
    const b = backend();
    const place = await b.fresh('fill.zarr');
    const v = await createVolume(place.url, { format: 'zarr2', store: place.store, shape: SHAPE, dtype: 'uint8', chunkShape: CHUNKS, fillValue: 7, cache: new ChunkCache() });
    await v.write({ start: [0, 0, 0], stop: [4, 4, 5] }, { data: new Uint8Array(80).fill(200), shape: [4, 4, 5] });
    const r = await reopen(place);
    expect(r.fillValue).toBe(7);
    const all = await r.read(FULL);
    expect(all.data[0]).toBe(200);
    expect(all.data[(8 * 10 + 9) * 11 + 10]).toBe(7);
    expect(all.data.filter((x) => x === 200).length).toBe(80);
    expect(all.data.filter((x) => x === 7).length).toBe(990 - 80);

    const nanPlace = await b.fresh('nanfill.zarr');
    await createVolume(nanPlace.url, { format: 'zarr3', store: nanPlace.store, shape: SHAPE, dtype: 'float32', chunkShape: CHUNKS, fillValue: NaN });
    const nan = await (await reopen(nanPlace)).read({ start: [2, 2, 2], stop: [3, 3, 4] });
    expect(Number.isNaN(nan.data[0]) && Number.isNaN(nan.data[1])).toBe(true);
  });

  describe('a corrupt or truncated chunk is a CorruptChunkError naming the chunk', () => {
    const cases: [string, ZarrCodec, (bytes: Uint8Array) => Uint8Array][] = [
      ['blosc, garbage', { name: 'blosc', cname: 'zstd', clevel: 3, shuffle: 'shuffle' }, (b) => b.map((_, i) => (i * 37 + 11) & 0xff)],
      ['blosc, truncated', { name: 'blosc', cname: 'lz4', clevel: 3, shuffle: 'shuffle' }, (b) => b.subarray(0, Math.floor(b.length / 2))],
      ['zstd, truncated', { name: 'zstd', level: 3 }, (b) => b.subarray(0, b.length - 9)],
      ['gzip, garbage', { name: 'gzip', level: 1 }, (b) => Uint8Array.from(b, (x, i) => (i < 10 ? x : x ^ 0x5a))],
      ['none, truncated', { name: 'none' }, (b) => b.subarray(0, b.length - 3)],
    ];
    for (const [label, codec, damage] of cases) {
      it(label, async () => {
        const b = backend();
        const place = await b.fresh(`corrupt-${codecLabel(codec)}-${label.split(', ')[1]}.zarr`);
        const v = await createVolume(place.url, { format: 'zarr2', store: place.store, shape: SHAPE, dtype: 'int16', chunkShape: CHUNKS, codec });
        await v.write(FULL, { data: sample('int16', SHAPE, 5), shape: SHAPE });
        const key = (v as ZarrVolume).chunkKey([1, 2, 0]);
        await place.store.set(key, damage((await place.store.get(key))!));
        const r = await reopen(place);
        // Reading around the damaged chunk works; reading it fails with the chunk named.
        await expect(r.read({ start: [0, 0, 0], stop: [4, 4, 5] })).resolves.toBeDefined();
        const err = await r.read({ start: [4, 8, 0], stop: [5, 9, 1] }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CorruptChunkError);
        expect((err as CorruptChunkError).chunkKey).toBe(key);
        expect((err as Error).message).toContain(key);
        expect((err as Error).message).toMatch(/re-write/);
        expect((err as Error).message.includes('\n')).toBe(false);
      });
    }
  });

  it('an unknown codec is an UnknownCodecError naming it and the supported codecs', async () => {
    const b = backend();
    const v2 = await b.fresh('unknown2.zarr');
    const zarray = { zarr_format: 2, shape: [4], chunks: [4], dtype: '<f4', compressor: { id: 'fancy', level: 1 }, fill_value: 0, order: 'C', filters: null };
    await v2.store.set('.zarray', enc(JSON.stringify(zarray)));
    const err = await reopen(v2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownCodecError);
    expect((err as Error).message).toMatch(/"numcodecs\.fancy".*supported: .*numcodecs\.blosc.*numcodecs\.zstd/);
    const v3 = await b.fresh('unknown3.zarr');
    const doc = {
      zarr_format: 3, node_type: 'array', shape: [4], data_type: 'uint8', fill_value: 0,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [4] } }, chunk_key_encoding: { name: 'default' },
      codecs: [{ name: 'bytes' }, { name: 'superzip', configuration: {} }],
    };
    await v3.store.set('zarr.json', enc(JSON.stringify(doc)));
    await expect(reopen(v3)).rejects.toThrow(/"superzip".*supported:.*zstd/);
  });

  it("a dataset path with '..' cannot escape the store (InvalidKeyError from the store)", async () => {
    const b = backend();
    const place = await b.fresh('escape.zarr');
    const ngff = {
      multiscales: [{ version: '0.4', axes: [{ name: 'y', type: 'space' }, { name: 'x', type: 'space' }], datasets: [{ path: '../outside', coordinateTransformations: [{ type: 'scale', scale: [1, 1] }] }] }],
    };
    await place.store.set('.zattrs', enc(JSON.stringify(ngff)));
    await place.store.set('.zgroup', enc('{"zarr_format":2}'));
    await expect(reopen(place)).rejects.toBeInstanceOf(InvalidKeyError);
  });

  for (const version of ['0.4', '0.5'] as const) {
    it(`OME-Zarr ${version}: levels, geometry and valid NGFF metadata`, async () => {
      const b = backend();
      const place = await b.fresh(`ome-${version}.zarr`);
      const ome = await createOmeZarr(place.url, {
        store: place.store, version, axes: 'zyx', unit: 'micrometer', shape: [12, 10, 9], levels: 3, dtype: 'uint8', chunkShape: [4, 4, 4],
        scale: [2, 0.5, 0.5], translation: [100, 0, 10], type: 'mean', attributes: { voxelflow: { run: 1 } }, cache: new ChunkCache(),
      });
      expect(ome.levels.map((l) => [...l.shape])).toEqual([[12, 10, 9], [6, 5, 5], [3, 3, 3]]);
      expect(ome.levels.map((l) => [...l.chunkShape])).toEqual([[4, 4, 4], [4, 4, 4], [3, 3, 3]]);
      for (const [i, l] of ome.levels.entries()) {
        const n = l.shape.reduce((a, c) => a * c, 1);
        await l.write({ start: [0, 0, 0], stop: [...l.shape] }, { data: new Uint8Array(n).fill(10 + i), shape: [...l.shape] });
      }
      const l1 = await reopen(place, new ChunkCache(), { level: 1 });
      expect(l1.format).toBe('ome-zarr');
      expect([...l1.shape]).toEqual([6, 5, 5]);
      expect(l1.geometry.spacing).toEqual([1, 1, 4]);
      // Block-mean level 1: voxel 0 sits half a level-0 voxel in: origin + (2 − 1)/2 · spacing0.
      expect(l1.geometry.origin).toEqual([10.25, 0.25, 101]);
      expect(l1.geometry.unit).toBe('micrometer');
      expect((await l1.read({ start: [5, 4, 4], stop: [6, 5, 5] })).data[0]).toBe(11);
      const l2 = await reopen(place, new ChunkCache(), { level: '2' });
      expect(l2.geometry.spacing).toEqual([2, 2, 8]);
      expect((await l2.read({ start: [0, 0, 0], stop: [3, 3, 3] })).data.every((x) => x === 12)).toBe(true);
      const l0 = await reopen(place);
      expect(l0.geometry.spacing).toEqual([0.5, 0.5, 2]);
      expect(l0.geometry.origin).toEqual([10, 0, 100]);
      expect(validateMultiscales(l0.attributes, version)).toEqual([]);
      expect(l0.attributes.voxelflow).toEqual({ run: 1 });
      await expect(reopen(place, new ChunkCache(), { level: 3 })).rejects.toThrow(/no level 3; its levels are 0 \('0'\), 1 \('1'\), 2 \('2'\)/);
      // Group attributes can be updated without touching the NGFF keys.
      await ome.setAttributes({ finished: true });
      const again = await reopen(place);
      expect(again.attributes.finished).toBe(true);
      expect(validateMultiscales(again.attributes, version)).toEqual([]);
    });
  }

  it('createVolume over an existing array: reuse when identical, refuse when different, replace with overwrite', async () => {
    const b = backend();
    const place = await b.fresh('exists.zarr');
    const opts = { format: 'zarr2' as const, store: place.store, shape: SHAPE, dtype: 'uint8' as const, chunkShape: CHUNKS, cache: new ChunkCache() };
    const v = await createVolume(place.url, opts);
    await v.write(FULL, { data: new Uint8Array(990).fill(5), shape: SHAPE });
    const again = await createVolume(place.url, { ...opts, attributes: { rerun: true } });
    expect((await again.read(FULL)).data[100]).toBe(5);
    expect(again.attributes.rerun).toBe(true);
    const err = await createVolume(place.url, { ...opts, dtype: 'float32' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VolumeExistsError);
    expect((err as Error).message).toMatch(/uint8 array of shape \(9, 10, 11\).*pass overwrite: true/);
    await expect(createVolume(place.url, { ...opts, shape: [9, 10, 12] })).rejects.toBeInstanceOf(VolumeExistsError);
    await expect(createVolume(place.url, { ...opts, format: 'zarr3' })).rejects.toBeInstanceOf(VolumeExistsError);
    const fresh = await createVolume(place.url, { ...opts, dtype: 'float32', overwrite: true, cache: new ChunkCache() });
    expect(fresh.dtype).toBe('float32');
    expect(await place.store.head(v.chunkKey([0, 0, 0]))).toBeUndefined();
    expect((await (await reopen(place)).read(FULL)).data.every((x) => x === 0)).toBe(true);
  });

  it('setAttributes merges and persists array attributes', async () => {
    const b = backend();
    const place = await b.fresh('attrs.zarr');
    for (const format of ['zarr2', 'zarr3'] as const) {
      const v = await createVolume(place.url, { format, store: place.store, shape: [4, 4], dtype: 'uint8', chunkShape: [2, 2], attributes: { patch_size: [2, 2] }, overwrite: true });
      await v.setAttributes({ part_id: 0, num_parts: 2 });
      const r = await reopen(place);
      expect(r.attributes).toMatchObject({ patch_size: [2, 2], part_id: 0, num_parts: 2 });
    }
  });

  it('hasChunk lists the array once (or HEADs each chunk once where listing is impossible)', async () => {
    const b = backend();
    const place = await b.fresh('has.zarr');
    const v = await createVolume(place.url, { format: 'zarr2', store: place.store, shape: SHAPE, dtype: 'uint8', chunkShape: CHUNKS });
    await v.write({ start: [0, 0, 0], stop: [4, 4, 5] }, { data: new Uint8Array(80).fill(1), shape: [4, 4, 5] });
    const counting = withByteCounter(place.readStore);
    const r = await openVolume(place.url, { store: counting, cache: new ChunkCache() });
    counting.resetStats();
    const answers: boolean[] = [];
    for (let round = 0; round < 2; round++) for (const c of [[0, 0, 0], [0, 0, 1], [2, 2, 2]]) answers.push(await r.hasChunk(c));
    expect(answers).toEqual([true, false, false, true, false, false]);
    if (b.readOnly) {
      // One listing attempt (HTTP cannot list), then one HEAD per distinct chunk.
      expect(counting.stats.lists).toBe(1);
      expect(counting.stats.heads).toBe(3);
    } else {
      expect(counting.stats.lists).toBe(1);
      expect(counting.stats.heads).toBe(0);
    }
    await expect(r.hasChunk([3, 0, 0])).rejects.toThrow(/outside the chunk grid/);
  });

  it('writes through a read-only store are refused', async () => {
    const b = backend();
    if (!b.readOnly) return;
    const place = await b.fresh('ro.zarr');
    await createVolume(place.url, { format: 'zarr2', store: place.store, shape: [4], dtype: 'uint8', chunkShape: [2] });
    const r = await reopen(place);
    await expect(r.write({ start: [0], stop: [2] }, { data: Uint8Array.of(1, 2), shape: [2] })).rejects.toBeInstanceOf(ReadOnlyVolumeError);
  });
}
