/**
 * Interoperability with zarrita used on its own (its FileSystemStore, not our Store): zarrita reads
 * what volume-io wrote and volume-io reads what zarrita wrote; chunk bytes are what the codecs say.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Float16Array as Float16Polyfill } from '@petamoriken/float16';
import FileSystemStore from '@zarrita/storage/fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { ChunkCache } from '../src/chunk-cache';
import { createVolume } from '../src/create-volume';
import { DTypeMismatchError, InvalidVolumeMetadataError, VolumeNotFoundError } from '../src/errors';
import { BoxOutOfRangeError, UnsupportedDTypeError } from '../src/formats/errors';
import { float16ToFloat32, float32ToFloat16 } from '../src/float16';
import { openVolume } from '../src/open-volume';
import type { DType } from '../src/types';
import { installZarrCodecs } from '../src/zarr/codecs';
import type { ZarrVolume } from '../src/zarr/zarr-volume';
import { CODECS, codecLabel, firstDifference, sample } from './helpers';

let dir: string;
const hadFloat16 = 'Float16Array' in globalThis;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-zarrita-'));
  // zarrita itself needs a Float16Array to read float16 (volume-io does not); only for this file.
  if (!hadFloat16) (globalThis as Record<string, unknown>).Float16Array = Float16Polyfill;
  installZarrCodecs();
});
afterAll(async () => {
  if (!hadFloat16) delete (globalThis as Record<string, unknown>).Float16Array;
  await rm(dir, { recursive: true, force: true });
});

const SHAPE = [9, 10, 11];
const FULL = { start: [0, 0, 0], stop: SHAPE };

/** zarrita's values as numbers comparable with ours (float16 → our raw bits). */
function zarritaValues(data: unknown, dtype: DType): ArrayLike<number> {
  if (dtype === 'float16') return float32ToFloat16(Float32Array.from(data as ArrayLike<number>));
  return data as ArrayLike<number>;
}

describe('zarrita reads what volume-io wrote', () => {
  for (const format of ['zarr2', 'zarr3'] as const) {
    for (const codec of CODECS) {
      it(`${format} ${codecLabel(codec)}`, async () => {
        for (const dtype of ['uint8', 'uint16', 'int16', 'float16', 'float32', 'int32'] as DType[]) {
          const path = join(dir, `w-${format}-${codecLabel(codec)}-${dtype}.zarr`);
          const data = sample(dtype, SHAPE, 11, 4);
          const v = await createVolume(path, { format, shape: SHAPE, dtype, chunkShape: [4, 4, 5], codec, cache: new ChunkCache() });
          await v.write(FULL, { data, shape: SHAPE });
          const store = new FileSystemStore(path);
          const arr = format === 'zarr2' ? await zarr.open.v2(store, { kind: 'array' }) : await zarr.open.v3(store, { kind: 'array' });
          expect(arr.shape).toEqual(SHAPE);
          expect(arr.chunks).toEqual([4, 4, 5]);
          const got = await zarr.get(arr);
          expect(got.stride).toEqual([110, 11, 1]);
          expect(firstDifference(zarritaValues(got.data, dtype), data), `${dtype}`).toBe(-1);
          const part = await zarr.get(arr, [zarr.slice(2, 7), 3, zarr.slice(1, 10)]);
          expect(part.shape).toEqual([5, 9]);
        }
      });
    }
  }
});

describe('volume-io reads what zarrita wrote', () => {
  for (const dtype of ['uint8', 'uint16', 'int16', 'float16', 'float32', 'int32'] as DType[]) {
    it(`v3 ${dtype} (zarr.create + zarr.set) with zstd, and blosc with shuffle`, async () => {
      for (const compressor of [
        { name: 'zstd', configuration: { level: 3, checksum: false } },
        { name: 'blosc', configuration: { cname: 'lz4', clevel: 5, shuffle: 'shuffle', typesize: 2, blocksize: 0 } },
      ]) {
        const path = join(dir, `z3-${dtype}-${compressor.name}.zarr`);
        const store = new FileSystemStore(path);
        const arr = await zarr.create(zarr.root(store), {
          shape: SHAPE, chunkShape: [5, 5, 5], dtype: dtype as 'uint8', fillValue: 0,
          codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, compressor],
        });
        const data = sample(dtype, SHAPE, 21);
        const zdata = dtype === 'float16' ? new Float16Polyfill(float16ToFloat32(data as Uint16Array)) : data;
        await zarr.set(arr, null, { data: zdata as never, shape: SHAPE, stride: [110, 11, 1] });
        const v = await openVolume(path, { cache: new ChunkCache() });
        expect(v.format).toBe('zarr3');
        expect(v.dtype).toBe(dtype);
        expect(firstDifference((await v.read(FULL)).data, data)).toBe(-1);
      }
    });
  }

  it('v2 with a hand-written .zarray (zarrita cannot create v2), order C and F, "/" keys', async () => {
    for (const order of ['C', 'F'] as const) {
      const path = join(dir, `z2-${order}.zarr`);
      await mkdir(path, { recursive: true });
      const zarray = { zarr_format: 2, shape: SHAPE, chunks: [4, 4, 5], dtype: '<f4', compressor: { id: 'zstd', level: 1 }, fill_value: 0, order, filters: null, dimension_separator: '/' };
      await writeFile(join(path, '.zarray'), JSON.stringify(zarray));
      const arr = await zarr.open.v2(new FileSystemStore(path), { kind: 'array' });
      const data = sample('float32', SHAPE, 31) as Float32Array;
      await zarr.set(arr, null, { data, shape: SHAPE, stride: [110, 11, 1] } as never);
      const v = await openVolume(path, { cache: new ChunkCache() });
      expect(firstDifference((await v.read(FULL)).data, data)).toBe(-1);
      const box = { start: [3, 1, 2], stop: [8, 9, 4] };
      const part = await v.read(box);
      expect(part.data[0]).toBe(data[(3 * 10 + 1) * 11 + 2]);
    }
  });
});

describe('what is in the chunks', () => {
  const u16 = sample('uint16', [8, 8], 1);
  async function firstChunk(format: 'zarr2' | 'zarr3', codec: (typeof CODECS)[number]): Promise<Uint8Array> {
    const path = join(dir, `bytes-${format}-${codecLabel(codec)}.zarr`);
    const v = (await createVolume(path, { format, shape: [8, 8], dtype: 'uint16', chunkShape: [8, 8], codec, overwrite: true })) as ZarrVolume;
    await v.write({ start: [0, 0], stop: [8, 8] }, { data: u16, shape: [8, 8] });
    return new Uint8Array(await readFile(join(path, format === 'zarr2' ? '0.0' : 'c/0/0')));
  }

  it('blosc chunks carry the shuffle flag that was asked for (v2 and v3)', async () => {
    for (const format of ['zarr2', 'zarr3'] as const) {
      const flags = async (shuffle: 'noshuffle' | 'shuffle' | 'bitshuffle'): Promise<number> =>
        (await firstChunk(format, { name: 'blosc', cname: 'zstd', clevel: 3, shuffle }))[2]!;
      const byte = await flags('shuffle');
      const bit = await flags('bitshuffle');
      const none = await flags('noshuffle');
      // Blosc header byte 2: bit 0 = byte shuffle, bit 2 = bit shuffle.
      expect([byte & 0x1, byte & 0x4], `${format} shuffle flags ${byte.toString(16)}`).toEqual([1, 0]);
      expect([bit & 0x1, bit & 0x4], `${format} bitshuffle flags ${bit.toString(16)}`).toEqual([0, 4]);
      expect([none & 0x1, none & 0x4]).toEqual([0, 0]);
    }
    const meta = JSON.parse(await readFile(join(dir, 'bytes-zarr3-blosc-zstd-shuffle.zarr', 'zarr.json'), 'utf8'));
    expect(meta.codecs[1]).toEqual({ name: 'blosc', configuration: { cname: 'zstd', clevel: 3, shuffle: 'shuffle', typesize: 2, blocksize: 0 } });
    const zarray = JSON.parse(await readFile(join(dir, 'bytes-zarr2-blosc-zstd-shuffle.zarr', '.zarray'), 'utf8'));
    expect(zarray.compressor).toEqual({ id: 'blosc', cname: 'zstd', clevel: 3, shuffle: 1, blocksize: 0 });
  });

  it('gzip chunks are gzip, zstd chunks are zstd frames, none is raw little-endian', async () => {
    const gz = await firstChunk('zarr2', { name: 'gzip', level: 1 });
    const g = gunzipSync(gz);
    expect(new Uint16Array(g.buffer.slice(g.byteOffset, g.byteOffset + g.byteLength))).toEqual(u16);
    const zs = await firstChunk('zarr3', { name: 'zstd', level: 3 });
    expect([...zs.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    const raw = await firstChunk('zarr2', { name: 'none' });
    expect(new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))).toEqual(u16);
  });
});

describe('Vesuvius-shaped arrays', () => {
  it('logits (N, C, pz, py, px) float16 with i.0.0.0.0 keys, empty patches omitted, coordinates int32', async () => {
    const path = join(dir, 'logits_part_0.zarr');
    const patch = [1, 2, 8, 8, 8];
    const v = (await createVolume(path, {
      format: 'zarr2', shape: [5, 2, 8, 8, 8], dtype: 'float16', chunkShape: patch,
      codec: { name: 'blosc', cname: 'zstd', clevel: 3, shuffle: 'shuffle' },
      attributes: { patch_size: [8, 8, 8], overlap: 0.5, part_id: 0, num_parts: 1, original_volume_shape: [16, 16, 16] },
    })) as ZarrVolume;
    const logits = float32ToFloat16(Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i) * 4));
    for (const i of [0, 2, 4]) await v.write({ start: [i, 0, 0, 0, 0], stop: [i + 1, 2, 8, 8, 8] }, { data: logits, shape: patch, dtype: 'float16' });
    await v.write({ start: [1, 0, 0, 0, 0], stop: [2, 2, 8, 8, 8] }, { data: new Uint16Array(1024), shape: patch, dtype: 'float16' });
    const keys = (await v.store.list()).filter((k) => !k.startsWith('.')).sort();
    expect(keys).toEqual(['0.0.0.0.0', '2.0.0.0.0', '4.0.0.0.0']);
    const zarray = JSON.parse(await readFile(join(path, '.zarray'), 'utf8'));
    expect(zarray).toMatchObject({ dtype: '<f2', chunks: patch, dimension_separator: '.', compressor: { id: 'blosc', cname: 'zstd', clevel: 3, shuffle: 1 } });
    const arr = await zarr.open.v2(new FileSystemStore(path), { kind: 'array' });
    const patch2 = await zarr.get(arr, [2, null, null, null, null]);
    expect(firstDifference(float32ToFloat16(Float32Array.from(patch2.data as ArrayLike<number>)), logits)).toBe(-1);
    const back = await (await openVolume(path, { cache: new ChunkCache() })).read({ start: [1, 0, 0, 0, 0], stop: [3, 2, 8, 8, 8] });
    expect(back.dtype).toBe('float16');
    expect(back.data.subarray(0, 1024).every((b) => b === 0)).toBe(true);
    expect(firstDifference(back.data.subarray(1024), logits)).toBe(-1);

    const coords = await createVolume(join(dir, 'coordinates_part_0.zarr'), { format: 'zarr2', shape: [3, 3], dtype: 'int32', chunkShape: [3, 3], codec: { name: 'none' } });
    await coords.write({ start: [0, 0], stop: [3, 3] }, { data: Int32Array.of(0, 0, 0, 0, 0, 8, 8, 8, 8), shape: [3, 3] });
    const carr = await zarr.open.v2(new FileSystemStore(join(dir, 'coordinates_part_0.zarr')), { kind: 'array' });
    expect(Array.from((await zarr.get(carr)).data as Int32Array)).toEqual([0, 0, 0, 0, 0, 8, 8, 8, 8]);
  });
});

describe('sharded Zarr v3 (read only)', () => {
  it('reads inner chunks of a hand-made shard; an absent inner chunk is the fill value', async () => {
    const path = join(dir, 'sharded.zarr');
    await mkdir(join(path, 'c', '0'), { recursive: true });
    const doc = {
      zarr_format: 3, node_type: 'array', shape: [4, 4], data_type: 'uint8', fill_value: 9,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [4, 4] } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      codecs: [{ name: 'sharding_indexed', configuration: {
        chunk_shape: [2, 2], codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
        index_codecs: [{ name: 'bytes', configuration: { endian: 'little' } }], index_location: 'end',
      } }],
    };
    await writeFile(join(path, 'zarr.json'), JSON.stringify(doc));
    const value = (y: number, x: number): number => y * 4 + x + 1;
    const body: number[] = [];
    const index = new BigUint64Array(8);
    for (let cy = 0; cy < 2; cy++) {
      for (let cx = 0; cx < 2; cx++) {
        const i = cy * 2 + cx;
        if (i === 3) {
          index[2 * i] = index[2 * i + 1] = 0xffffffffffffffffn;
          continue;
        }
        index[2 * i] = BigInt(body.length);
        index[2 * i + 1] = 4n;
        body.push(value(2 * cy, 2 * cx), value(2 * cy, 2 * cx + 1), value(2 * cy + 1, 2 * cx), value(2 * cy + 1, 2 * cx + 1));
      }
    }
    await writeFile(join(path, 'c', '0', '0'), Buffer.concat([Buffer.from(body), Buffer.from(index.buffer)]));
    const cache = new ChunkCache();
    const v = await openVolume(path, { cache });
    expect([...v.chunkShape]).toEqual([2, 2]);
    const all = await v.read({ start: [0, 0], stop: [4, 4] });
    const want = Array.from({ length: 16 }, (_, i) => (Math.floor(i / 4) >= 2 && i % 4 >= 2 ? 9 : value(Math.floor(i / 4), i % 4)));
    expect(Array.from(all.data)).toEqual(want);
    expect(cache.stats.bytesFetched).toBeGreaterThan(0);
    await expect(v.write({ start: [0, 0], stop: [2, 2] }, { data: new Uint8Array(4), shape: [2, 2] })).rejects.toThrow(/sharding_indexed.*writes only/);
  });
});

describe('bad input', () => {
  it('an unsupported dtype is an UnsupportedDTypeError naming it', async () => {
    const path = join(dir, 'int64.zarr');
    await mkdir(path, { recursive: true });
    await writeFile(join(path, '.zarray'), JSON.stringify({ zarr_format: 2, shape: [2], chunks: [2], dtype: '<i8', compressor: null, fill_value: 0, order: 'C', filters: null }));
    await expect(openVolume(path)).rejects.toBeInstanceOf(UnsupportedDTypeError);
    await expect(openVolume(path)).rejects.toThrow(/dtype "<i8".*convert the array/);
  });

  it('rejects data of the wrong dtype or size and boxes outside the volume', async () => {
    const v = await createVolume(join(dir, 'bad.zarr'), { format: 'zarr3', shape: [4, 4], dtype: 'float16', chunkShape: [2, 2] });
    const box = { start: [0, 0], stop: [2, 2] };
    await expect(v.write(box, { data: new Float32Array(4), shape: [2, 2] })).rejects.toBeInstanceOf(DTypeMismatchError);
    await expect(v.write(box, { data: new Uint16Array(4), shape: [2, 2], dtype: 'uint16' })).rejects.toThrow(/convert it to a Uint16Array/);
    await expect(v.write(box, { data: new Uint16Array(3), shape: [2, 2] })).rejects.toBeInstanceOf(BoxOutOfRangeError);
    await expect(v.read({ start: [0, 0], stop: [5, 4] })).rejects.toThrow(/outside .*bad\.zarr/);
    await expect(v.read({ start: [0], stop: [4] })).rejects.toBeInstanceOf(BoxOutOfRangeError);
    await expect(createVolume(join(dir, 'bad2.zarr'), { format: 'zarr2', shape: [4], dtype: 'bool' as DType, chunkShape: [2] })).rejects.toThrow(/dtype "bool"/);
    await expect(createVolume(join(dir, 'bad3.zarr'), { format: 'zarr2', shape: [4, 4], dtype: 'uint8', chunkShape: [2] })).rejects.toThrow(/one per axis/);
  });

  it('openVolume detection: a missing path, a plain group, a forced format that does not match', async () => {
    await expect(openVolume(join(dir, 'nothing-here'))).rejects.toBeInstanceOf(VolumeNotFoundError);
    const group = join(dir, 'plain-group.zarr');
    await mkdir(group, { recursive: true });
    await writeFile(join(group, '.zgroup'), '{"zarr_format":2}');
    await expect(openVolume(group)).rejects.toThrow(/group without NGFF multiscales; open one of its arrays/);
    const v2 = join(dir, 'detect.zarr');
    await createVolume(v2, { format: 'zarr2', shape: [2], dtype: 'uint8', chunkShape: [2] });
    await expect(openVolume(v2, { format: 'zarr3' })).rejects.toBeInstanceOf(InvalidVolumeMetadataError);
    expect((await openVolume(v2, { format: 'zarr2' })).format).toBe('zarr2');
    const v3 = join(dir, 'detect3.zarr');
    await createVolume(v3, { format: 'zarr3', shape: [2], dtype: 'uint8', chunkShape: [2] });
    expect((await openVolume(v3)).format).toBe('zarr3');
  });

  it('reads a Vesuvius pre-#692 OME-Zarr (no coordinateTransformations) with unit geometry', async () => {
    const root = join(dir, 'legacy.zarr');
    const l0 = await createVolume(join(root, '0'), { format: 'zarr2', shape: [4, 4, 4], dtype: 'uint8', chunkShape: [2, 2, 2] });
    await l0.write({ start: [0, 0, 0], stop: [4, 4, 4] }, { data: new Uint8Array(64).fill(255), shape: [4, 4, 4] });
    await writeFile(join(root, '.zgroup'), '{"zarr_format":2}');
    await writeFile(join(root, '.zattrs'), JSON.stringify({ multiscales: [{ version: '0.4', axes: [{ name: 'z', type: 'space' }, { name: 'y', type: 'space' }, { name: 'x', type: 'space' }], datasets: [{ path: '0' }] }] }));
    const v = await openVolume(root, { cache: new ChunkCache() });
    expect(v.format).toBe('ome-zarr');
    expect(v.geometry.spacing).toEqual([1, 1, 1]);
    expect((await v.read({ start: [3, 3, 3], stop: [4, 4, 4] })).data[0]).toBe(255);
  });
});
