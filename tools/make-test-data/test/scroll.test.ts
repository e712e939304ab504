/**
 * The scroll volume read back with independent readers: the `tiff` package for the slice stack,
 * zarrita for the Zarr v2, v3 and OME-Zarr copies. All must hold the same voxels.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'tiff';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifest, sha256, td } from './helpers';

const scroll = manifest.datasets.scroll;
const [NZ, NY, NX] = scroll.shape as [number, number, number];

async function readV2(path: string): Promise<{ arr: zarr.Array<zarr.DataType>; data: Uint8Array }> {
  const arr = await zarr.open.v2(zarr.root(new FileSystemStore(path)), { kind: 'array' });
  const chunk = await zarr.get(arr);
  return { arr, data: chunk.data as Uint8Array };
}

function chunkGrid(): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < scroll.chunkGrid[0]; i++) for (let j = 0; j < scroll.chunkGrid[1]; j++) for (let k = 0; k < scroll.chunkGrid[2]; k++) out.push([i, j, k]);
  return out;
}

const isEmpty = (emptyChunks: number[][], c: number[]): boolean => emptyChunks.some((e) => e.join() === c.join());

let v2: Uint8Array;
beforeAll(async () => {
  v2 = (await readV2(td('volumes/scroll_v2.zarr'))).data;
});

describe('scroll_v2.zarr', () => {
  it('has the recorded shape, dtype, chunks, compressor and voxels', async () => {
    const { arr } = await readV2(td('volumes/scroll_v2.zarr'));
    expect(arr.shape).toEqual([96, 160, 160]);
    expect(arr.dtype).toBe('uint8');
    expect(arr.chunks).toEqual([32, 32, 32]);
    const meta = JSON.parse(readFileSync(td('volumes/scroll_v2.zarr/.zarray'), 'utf8'));
    expect(meta).toMatchObject({ zarr_format: 2, dtype: '|u1', fill_value: 0, order: 'C', dimension_separator: '.' });
    expect(meta.compressor).toEqual({ id: 'blosc', cname: 'zstd', clevel: 3, shuffle: 1, blocksize: 0 });
    expect(sha256(v2)).toBe(scroll.dataSha256);
    for (const s of scroll.samples) expect(v2[(s.index[0] * NY + s.index[1]) * NX + s.index[2]]).toBe(s.value);
  });

  it('stores Blosc chunks with the shuffle flag and zstd, and leaves all-zero chunks out', () => {
    let present = 0;
    for (const c of chunkGrid()) {
      const file = td('volumes/scroll_v2.zarr', c.join('.'));
      const empty = isEmpty(scroll.emptyChunks, c);
      expect(existsSync(file), `chunk ${c}`).toBe(!empty);
      // The data agrees: a chunk is absent exactly when all its voxels are 0.
      let any = false;
      for (let z = 32 * c[0]!; z < 32 * c[0]! + 32 && !any; z++)
        for (let y = 32 * c[1]!; y < 32 * c[1]! + 32 && !any; y++)
          for (let x = 32 * c[2]!; x < 32 * c[2]! + 32; x++) if (v2[(z * NY + y) * NX + x]) { any = true; break; }
      expect(any, `chunk ${c} data`).toBe(!empty);
      if (empty) continue;
      present++;
      const header = readFileSync(file);
      expect(header[0]).toBe(2); // blosc format version
      expect(header[2]! & 1).toBe(1); // byte shuffle
      expect(header[2]! >> 5).toBe(4); // compressor code 4 = zstd
      expect(header.readUInt32LE(4)).toBe(32 ** 3); // uncompressed bytes
    }
    expect(present).toBe(scroll.formats.zarrV2.writtenChunks);
    expect(scroll.emptyChunks.length).toBeGreaterThanOrEqual(12);
  });
});

describe('scroll_v3.zarr', () => {
  it('holds the same voxels as v2, zstd-compressed, with c/z/y/x keys and absent empty chunks', async () => {
    const arr = await zarr.open.v3(zarr.root(new FileSystemStore(td('volumes/scroll_v3.zarr'))), { kind: 'array' });
    expect(arr.shape).toEqual([96, 160, 160]);
    expect(arr.dtype).toBe('uint8');
    expect(arr.chunks).toEqual([32, 32, 32]);
    const meta = JSON.parse(readFileSync(td('volumes/scroll_v3.zarr/zarr.json'), 'utf8'));
    expect(meta.codecs.map((c: { name: string }) => c.name)).toEqual(['bytes', 'zstd']);
    expect(meta.dimension_names).toEqual(['z', 'y', 'x']);
    const data = (await zarr.get(arr)).data as Uint8Array;
    expect(Buffer.from(data).equals(Buffer.from(v2))).toBe(true);
    for (const c of chunkGrid()) {
      expect(existsSync(td('volumes/scroll_v3.zarr/c', ...c.map(String)))).toBe(!isEmpty(scroll.emptyChunks, c));
    }
  });
});

describe('scroll_ome.zarr', () => {
  const ome = scroll.formats.omeZarr;

  it('has valid NGFF 0.4 multiscales metadata', () => {
    expect(JSON.parse(readFileSync(td('volumes/scroll_ome.zarr/.zgroup'), 'utf8'))).toEqual({ zarr_format: 2 });
    const attrs = JSON.parse(readFileSync(td('volumes/scroll_ome.zarr/.zattrs'), 'utf8'));
    const [ms] = attrs.multiscales;
    expect(ms.version).toBe('0.4');
    expect(ms.axes).toEqual(['z', 'y', 'x'].map((name) => ({ name, type: 'space', unit: 'micrometer' })));
    expect(ms.datasets.map((d: { path: string }) => d.path)).toEqual(['0', '1', '2']);
    ms.datasets.forEach((d: { coordinateTransformations: { type: string; scale?: number[]; translation?: number[] }[] }, i: number) => {
      const [scale, translation] = d.coordinateTransformations;
      expect(scale!.type).toBe('scale');
      scale!.scale!.forEach((s) => expect(s).toBeCloseTo(7.91 * 2 ** i, 9));
      if (i === 0) expect(translation).toBeUndefined();
      else {
        expect(translation!.type).toBe('translation');
        translation!.translation!.forEach((t) => expect(t).toBeCloseTo((7.91 * (2 ** i - 1)) / 2, 9));
      }
    });
  });

  it('level 0 equals the v2 array; each further level is the 2× mean (rounded half up) of the one before', async () => {
    const group = zarr.root(new FileSystemStore(td('volumes/scroll_ome.zarr')));
    let previous: { data: Uint8Array; shape: number[] } | undefined;
    for (const level of ome.levels) {
      const arr = await zarr.open.v2(group.resolve(level.path), { kind: 'array' });
      const data = (await zarr.get(arr)).data as Uint8Array;
      expect(arr.shape).toEqual(level.shape);
      expect(sha256(data)).toBe(level.dataSha256);
      if (!previous) expect(Buffer.from(data).equals(Buffer.from(v2))).toBe(true);
      else {
        const [, py, px] = previous.shape as [number, number, number];
        const [lz, ly, lx] = arr.shape as [number, number, number];
        for (let z = 0; z < lz; z += 3)
          for (let y = 0; y < ly; y += 2)
            for (let x = 0; x < lx; x++) {
              let sum = 0;
              for (let d = 0; d < 8; d++) sum += previous.data[((2 * z + (d >> 2)) * py + 2 * y + ((d >> 1) & 1)) * px + 2 * x + (d & 1)]!;
              expect(data[(z * ly + y) * lx + x]).toBe(Math.floor((sum + 4) / 8));
            }
      }
      for (const name of readdirSync(td('volumes/scroll_ome.zarr', level.path)).filter((n) => !n.startsWith('.'))) {
        expect(Number.isInteger(Number(name))).toBe(true); // '/'-separated chunk keys
      }
      previous = { data, shape: arr.shape };
    }
  });
});

describe('scroll_tiff', () => {
  it('has 96 8-bit 160×160 slices equal to the Zarr voxels', () => {
    const files = readdirSync(td('volumes/scroll_tiff')).sort();
    expect(files).toEqual(Array.from({ length: NZ }, (_, z) => `${String(z).padStart(3, '0')}.tif`));
    const stack = new Uint8Array(NZ * NY * NX);
    files.forEach((f, z) => {
      const pages = decode(readFileSync(join(td('volumes/scroll_tiff'), f)));
      expect(pages).toHaveLength(1);
      const page = pages[0]!;
      expect([page.width, page.height, page.bitsPerSample, page.samplesPerPixel]).toEqual([NX, NY, 8, 1]);
      expect(page.data).toBeInstanceOf(Uint8Array);
      stack.set(page.data as Uint8Array, z * NY * NX);
    });
    expect(Buffer.from(stack).equals(Buffer.from(v2))).toBe(true);
    expect(sha256(stack)).toBe(scroll.dataSha256);
  });
});
