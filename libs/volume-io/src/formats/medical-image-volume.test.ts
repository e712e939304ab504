import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { niftiWriteImageNode } from '@itk-wasm/image-io';
import { Image, ImageType, IntTypes, PixelTypes } from 'itk-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DType, Geometry, TypedArray } from '../types';
import { typedArrayFor } from '../dtype';
import {
  createMedicalImage,
  ImageNotFoundError,
  openMedicalImage,
  UnreadableImageError,
  UnsupportedDTypeError,
  UnsupportedFormatError,
} from './index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-medical-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SHAPE: [number, number, number] = [4, 5, 6]; // (Z, Y, X)

/** A 90° rotation in the x–y plane and a flipped z: array x runs along LPS +y, array y along −x. */
const ROTATED: Geometry = {
  spacing: [0.7, 0.8, 2.5],
  origin: [-10.5, 20.25, 33],
  direction: [0, -1, 0, 1, 0, 0, 0, 0, -1],
};

function ramp(dtype: DType, n: number): TypedArray {
  const a = typedArrayFor(dtype, n);
  for (let i = 0; i < n; i++) {
    const v = dtype.startsWith('float') ? Math.sin(i) * 100 + 0.25 : dtype.startsWith('int') ? (i % 2 === 0 ? -i : i) * 3 : i * 7;
    a[i] = v;
  }
  if (dtype === 'uint16') a[1] = 65535;
  if (dtype === 'int16') a[1] = -32768;
  return a;
}

function expectGeometry(actual: Geometry, expected: Geometry, digits: number): void {
  for (let i = 0; i < 3; i++) {
    expect(actual.spacing[i]).toBeCloseTo(expected.spacing[i]!, digits);
    expect(actual.origin[i]).toBeCloseTo(expected.origin[i]!, digits);
  }
  for (let i = 0; i < 9; i++) expect(actual.direction[i]).toBeCloseTo(expected.direction[i]!, digits);
}

async function roundTrip(name: string, dtype: DType, geometry: Geometry, shape: number[] = SHAPE): Promise<{ path: string; data: TypedArray }> {
  const path = join(dir, name);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = ramp(dtype, n);
  const vol = await createMedicalImage(path, { shape, dtype, geometry });
  // Two half writes, so box writes are exercised too.
  const half = Math.floor(shape[0]! / 2);
  const plane = n / shape[0]!;
  const rest = shape.slice(1);
  await vol.write({ start: [0, ...rest.map(() => 0)], stop: [half, ...rest] }, { data: data.subarray(0, half * plane), shape: [half, ...rest] });
  await vol.write({ start: [half, ...rest.map(() => 0)], stop: [shape[0]!, ...rest] }, { data: data.subarray(half * plane), shape: [shape[0]! - half, ...rest] });
  await vol.close();
  return { path, data };
}

describe('MedicalImageVolume round trips', () => {
  const exts = ['.nii', '.nii.gz', '.mha', '.mhd', '.nrrd'];
  const dtypes: DType[] = ['uint8', 'int16', 'uint16', 'float32'];
  for (const ext of exts) {
    for (const dtype of dtypes) {
      it(`${ext} ${dtype}: values and geometry survive write → read`, async () => {
        const { path, data } = await roundTrip(`rt-${dtype}${ext}`, dtype, ROTATED);
        const vol = await openMedicalImage(path);
        expect(vol.shape).toEqual(SHAPE);
        expect(vol.dtype).toBe(dtype);
        const all = await vol.read({ start: [0, 0, 0], stop: SHAPE });
        expect(Array.from(all.data)).toEqual(Array.from(data));
        // NIfTI stores spacing/origin as float32 and direction as a quaternion; the others are exact.
        expectGeometry(vol.geometry, ROTATED, ext.startsWith('.nii') ? 5 : 12);
        expect(vol.format).toBe(ext.startsWith('.nii') ? 'nifti' : ext === '.nrrd' ? 'nrrd' : 'metaimage');
      });
    }
  }

  for (const dtype of ['int8', 'uint32', 'int32', 'float64'] as DType[]) {
    it(`.mha ${dtype} round-trips`, async () => {
      const { path, data } = await roundTrip(`rt-${dtype}.mha`, dtype, ROTATED);
      const vol = await openMedicalImage(path);
      expect(vol.dtype).toBe(dtype);
      expect(Array.from((await vol.read({ start: [0, 0, 0], stop: SHAPE })).data)).toEqual(Array.from(data));
    });
  }

  it('reads a sub-box and rewrites an opened file', async () => {
    const { path, data } = await roundTrip('edit.nii.gz', 'int16', ROTATED);
    const vol = await openMedicalImage(path);
    const box = await vol.read({ start: [1, 2, 3], stop: [3, 4, 6] });
    expect(box.shape).toEqual([2, 2, 3]);
    const [, Y, X] = SHAPE;
    expect(box.data[0]).toBe(data[1 * Y * X + 2 * X + 3]);
    expect(box.data[11]).toBe(data[2 * Y * X + 3 * X + 5]);
    await vol.write({ start: [0, 0, 0], stop: [1, 1, 2] }, { data: new Int16Array([111, 222]), shape: [1, 1, 2] });
    await vol.close();
    const again = await openMedicalImage(path);
    expect(Array.from((await again.read({ start: [0, 0, 0], stop: [1, 1, 3] })).data)).toEqual([111, 222, data[2]]);
    expectGeometry(again.geometry, ROTATED, 5);
  });

  it('a (C, Z, Y, X) volume round-trips as a 4D NIfTI', async () => {
    const shape = [2, ...SHAPE];
    const { path, data } = await roundTrip('four.nii.gz', 'float32', ROTATED, shape);
    const vol = await openMedicalImage(path);
    expect(vol.shape).toEqual(shape);
    expect(Array.from((await vol.read({ start: [0, 0, 0, 0], stop: shape })).data)).toEqual(Array.from(data));
    expectGeometry(vol.geometry, ROTATED, 5);
    const hdr = nifti.readHeader(toArrayBuffer(gunzipSync(await readFile(path))))!;
    expect(hdr.dims.slice(0, 5)).toEqual([4, SHAPE[2], SHAPE[1], SHAPE[0], 2]);
  });
});

describe('multi-component images', () => {
  it('a 3D image with 2 components per voxel (ITK vector pixels) reads as planar (C, Z, Y, X)', async () => {
    const [Z, Y, X] = [2, 3, 4];
    const image = new Image(new ImageType(3, IntTypes.UInt8, PixelTypes.Vector, 2));
    image.size = [X, Y, Z];
    image.spacing = [1, 2, 3];
    image.origin = [0, 0, 0];
    image.direction = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    image.data = new Uint8Array(Z * Y * X * 2).map((_, i) => (i % 2) * 100 + Math.floor(i / 2)); // c0 = i, c1 = 100 + i
    const path = join(dir, 'vector.nii');
    const { couldWrite } = await niftiWriteImageNode(image, path);
    expect(couldWrite).toBe(true);
    const vol = await openMedicalImage(path);
    expect(vol.shape).toEqual([2, Z, Y, X]);
    const all = (await vol.read({ start: [0, 0, 0, 0], stop: [2, Z, Y, X] })).data;
    const n = Z * Y * X;
    expect(Array.from(all.subarray(0, n))).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(Array.from(all.subarray(n))).toEqual(Array.from({ length: n }, (_, i) => 100 + i));
    expect(vol.geometry.spacing).toEqual([1, 2, 3]);
  });
});

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

describe('independent readers', () => {
  for (const ext of ['.nii', '.nii.gz']) {
    it(`nifti-reader-js reads our ${ext}: voxels, and an RAS affine equal to the LPS geometry with x, y negated`, async () => {
      const { path, data } = await roundTrip(`indep${ext}`, 'float32', ROTATED);
      let buf = toArrayBuffer(await readFile(path));
      expect(nifti.isCompressed(buf)).toBe(ext === '.nii.gz');
      if (nifti.isCompressed(buf)) buf = nifti.decompress(buf) as ArrayBuffer;
      expect(nifti.isNIFTI(buf)).toBe(true);
      const hdr = nifti.readHeader(buf)!;
      expect(hdr.dims.slice(0, 4)).toEqual([3, SHAPE[2], SHAPE[1], SHAPE[0]]);
      expect(hdr.datatypeCode).toBe(16); // NIFTI_TYPE_FLOAT32
      const voxels = new Float32Array(nifti.readImage(hdr, buf) as ArrayBuffer);
      expect(Array.from(voxels)).toEqual(Array.from(data));
      const sign = [-1, -1, 1];
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) {
          expect(hdr.affine[r]![c]).toBeCloseTo(sign[r]! * ROTATED.direction[r * 3 + c]! * ROTATED.spacing[c]!, 5);
        }
        expect(hdr.affine[r]![3]).toBeCloseTo(sign[r]! * ROTATED.origin[r]!, 4);
      }
    });
  }

  it('.mha header holds TransformMatrix as the transpose of the row-major direction', async () => {
    const { path } = await roundTrip('header.mha', 'uint8', ROTATED);
    const text = (await readFile(path)).subarray(0, 600).toString('latin1');
    const tm = /TransformMatrix = (.*)/.exec(text)![1]!.trim().split(/\s+/).map(Number);
    const d = ROTATED.direction;
    expect(tm).toEqual([d[0], d[3], d[6], d[1], d[4], d[7], d[2], d[5], d[8]].map((v) => v + 0));
    expect(/Offset = (.*)/.exec(text)![1]!.trim().split(/\s+/).map(Number)).toEqual(ROTATED.origin);
    expect(/DimSize = (.*)/.exec(text)![1]!.trim()).toBe(`${SHAPE[2]} ${SHAPE[1]} ${SHAPE[0]}`);
  });

  it('.nrrd header has LPS space directions = spacing × direction columns', async () => {
    const { path } = await roundTrip('header.nrrd', 'uint8', ROTATED);
    const text = (await readFile(path)).subarray(0, 600).toString('latin1');
    expect(text).toMatch(/space: left-posterior-superior/);
    const vecs = [...(/space directions: (.*)/.exec(text)![1]!.matchAll(/\(([^)]*)\)/g))].map((m) => m[1]!.split(',').map(Number));
    for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) expect(vecs[c]![r]).toBeCloseTo(ROTATED.direction[r * 3 + c]! * ROTATED.spacing[c]!, 12);
  });
});

describe('the sibling .nii / .nii.gz case', () => {
  it('reads x.nii.gz, not a sibling x.nii (and the other way round)', async () => {
    const a = await createMedicalImage(join(dir, 'sib.nii.gz'), { shape: [2, 3, 4], dtype: 'uint8' });
    await a.write({ start: [0, 0, 0], stop: [2, 3, 4] }, { data: new Uint8Array(24).fill(3), shape: [2, 3, 4] });
    await a.close();
    const b = await createMedicalImage(join(dir, 'sib.nii'), { shape: [3, 3, 5], dtype: 'uint8' });
    await b.write({ start: [0, 0, 0], stop: [3, 3, 5] }, { data: new Uint8Array(45).fill(4), shape: [3, 3, 5] });
    await b.close();
    const gz = await openMedicalImage(join(dir, 'sib.nii.gz'));
    expect(gz.shape).toEqual([2, 3, 4]);
    expect(new Set((await gz.read({ start: [0, 0, 0], stop: [2, 3, 4] })).data)).toEqual(new Set([3]));
    const plain = await openMedicalImage(join(dir, 'sib.nii'));
    expect(plain.shape).toEqual([3, 3, 5]);
    expect(new Set((await plain.read({ start: [0, 0, 0], stop: [3, 3, 5] })).data)).toEqual(new Set([4]));
  });
});

describe('errors', () => {
  async function errorOf(p: Promise<unknown>): Promise<Error> {
    try {
      await p;
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected a rejection');
  }

  it('float16 cannot be written: "NIfTI cannot hold float16; write float32"', async () => {
    const err = await errorOf(createMedicalImage(join(dir, 'h.nii.gz'), { shape: [1, 1, 1], dtype: 'float16' }));
    expect(err).toBeInstanceOf(UnsupportedDTypeError);
    expect(err.message).toMatch(/^NIfTI cannot hold float16; write float32/);
  });

  for (const ext of ['.nii.gz', '.nii', '.mha', '.nrrd']) {
    it(`a truncated ${ext} gives a one-line UnreadableImageError naming it`, async () => {
      const { path } = await roundTrip(`trunc-src-${ext.replace(/\./g, '')}${ext}`, 'float32', ROTATED, [6, 16, 16]);
      const bytes = await readFile(path);
      const cut = join(dir, `cut${ext}`);
      await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const err = await errorOf(openMedicalImage(cut));
      expect(err).toBeInstanceOf(UnreadableImageError);
      expect(err.message).toContain(cut);
      expect(err.message).not.toContain('\n');
    });
  }

  for (const ext of ['.mha', '.nrrd', '.mhd']) {
    it(`a truncated uncompressed ${ext} gives a one-line UnreadableImageError`, async () => {
      const name = `raw-${ext.slice(1)}${ext}`;
      const vol = await createMedicalImage(join(dir, name), { shape: [3, 8, 8], dtype: 'int16', compression: false });
      await vol.close();
      const target = ext === '.mhd' ? join(dir, `raw-mhd.raw`) : join(dir, name);
      const bytes = await readFile(target);
      await writeFile(target, bytes.subarray(0, bytes.length - 10));
      const err = await errorOf(openMedicalImage(join(dir, name)));
      expect(err).toBeInstanceOf(UnreadableImageError);
      expect(err.message).toContain(target);
      expect(err.message).not.toContain('\n');
    });
  }

  it('a missing file gives ImageNotFoundError naming it; a missing .raw names the .raw', async () => {
    const missing = join(dir, 'nope.nii.gz');
    const err = await errorOf(openMedicalImage(missing));
    expect(err).toBeInstanceOf(ImageNotFoundError);
    expect(err.message).toContain(missing);

    await roundTrip('detached.mhd', 'uint8', ROTATED);
    const header = (await readFile(join(dir, 'detached.mhd'))).toString('latin1');
    const dataName = /ElementDataFile = (.*)/.exec(header)![1]!.trim();
    await rm(join(dir, dataName));
    const err2 = await errorOf(openMedicalImage(join(dir, 'detached.mhd')));
    expect(err2).toBeInstanceOf(ImageNotFoundError);
    expect(err2.message).toContain(dataName);
  });

  it('an unknown extension is an UnsupportedFormatError', async () => {
    await expect(openMedicalImage(join(dir, 'x.dcm'))).rejects.toBeInstanceOf(UnsupportedFormatError);
  });
});
