/**
 * Conversion between itk-wasm `Image`s and VoxelFlow arrays + geometry, and the temp-file bridge to
 * the itk-wasm Node pipelines. itk-wasm's geometry convention is ours: size/spacing/origin in (x, y, z)
 * and a row-major flat direction whose column c is array axis c; its buffer is x-fastest, i.e. C-order
 * (Z, Y, X). A 4D scalar image (x, y, z, t) is C-order (T, Z, Y, X), which we expose as (C, Z, Y, X).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Image } from 'itk-wasm';
import type { DType, Geometry, TypedArray } from '../types';
import { typedArrayFor, typedArrayMatches } from '../dtype';
import { product } from '../region-copy';
import { UnreadableImageError, UnsupportedDTypeError, UnsupportedFormatError } from './errors';

/** The ITK IO that reads and writes a medical-image file. */
export type ItkIo = 'nifti' | 'meta' | 'nrrd';

/** Voxels, shape and geometry of an image read through ITK. */
export interface ItkVolumeData {
  /** (Z, Y, X) or (C, Z, Y, X), C-order. */
  shape: number[];
  dtype: DType;
  data: TypedArray;
  geometry: Geometry;
  /** ITK's metadata dictionary (NIfTI header fields, MetaImage keys…). */
  metadata: Record<string, unknown>;
}

const ITK_DTYPES: Record<string, DType> = {
  uint8: 'uint8',
  int8: 'int8',
  uint16: 'uint16',
  int16: 'int16',
  uint32: 'uint32',
  int32: 'int32',
  float32: 'float32',
  float64: 'float64',
};

/** The dtypes ITK can write (everything but float16). */
export const ITK_SUPPORTED_DTYPES: readonly DType[] = Object.values(ITK_DTYPES);

/** Converts an ITK image to C-order arrays; multi-component and 4D images become (C, Z, Y, X). */
export function fromItkImage(image: Image, url: string): ItkVolumeData {
  const { dimension, componentType, components } = image.imageType;
  const dtype = ITK_DTYPES[componentType];
  if (dtype === undefined) {
    throw new UnsupportedDTypeError(`cannot read ${url}: voxel type ${componentType} is not supported; convert it to int32 or float32`, url);
  }
  if (image.data === null) throw new UnreadableImageError(`cannot read ${url}: ITK returned no voxels; the file is corrupt`, url);
  if (dimension < 2 || dimension > 4 || (dimension === 4 && components > 1)) {
    throw new UnsupportedFormatError(
      `cannot read ${url}: ${dimension}D images with ${components} components per voxel are not supported; use 2D/3D images or 4D with scalar voxels`,
      url,
    );
  }
  const size = image.size;
  const x = size[0]!;
  const y = size[1]!;
  const z = dimension >= 3 ? size[2]! : 1;
  const spatial = Math.min(dimension, 3);
  const geometry: Geometry = {
    spacing: [image.spacing[0]!, image.spacing[1]!, spatial === 3 ? image.spacing[2]! : 1],
    origin: [image.origin[0]!, image.origin[1]!, spatial === 3 ? image.origin[2]! : 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    unit: 'millimeter',
  };
  for (let r = 0; r < spatial; r++) {
    for (let c = 0; c < spatial; c++) geometry.direction[r * 3 + c] = Number(image.direction[r * dimension + c]) + 0; // + 0 drops -0
  }
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of image.metadata) metadata[k] = v;

  const expected = x * y * z * (dimension === 4 ? size[3]! : components);
  let src = image.data as TypedArray;
  if (src.length !== expected) {
    throw new UnreadableImageError(`cannot read ${url}: ITK returned ${src.length} voxels for ${size.join('×')}×${components}; the file is corrupt`, url);
  }
  if (!typedArrayMatches(src, dtype)) {
    const typed = typedArrayFor(dtype, src.length);
    typed.set(src as never);
    src = typed;
  }
  if (dimension === 4) return { shape: [size[3]!, z, y, x], dtype, data: src, geometry, metadata };
  if (components === 1) return { shape: [z, y, x], dtype, data: src, geometry, metadata };
  // Interleaved (Z, Y, X, C) → planar (C, Z, Y, X).
  const n = x * y * z;
  const out = typedArrayFor(dtype, n * components);
  for (let c = 0; c < components; c++) {
    const base = c * n;
    for (let i = 0, j = c; i < n; i++, j += components) out[base + i] = src[j]!;
  }
  return { shape: [components, z, y, x], dtype, data: out, geometry, metadata };
}

/**
 * itk-wasm is ES-module-only with top-level await, so it is loaded on first use: the CommonJS build of
 * this package (and of everything importing it) then loads on Node 20, and volumes of other formats
 * never pay for ITK's start-up.
 */
const itkWasm = () => import('itk-wasm');
const imageIo = () => import('@itk-wasm/image-io');

/** Builds an ITK image from C-order (Z, Y, X) or (C, Z, Y, X) voxels; (C, …) becomes a 4D scalar image. */
export async function toItkImage(shape: readonly number[], dtype: DType, data: TypedArray, geometry: Geometry, url: string): Promise<Image> {
  const { Image, ImageType, PixelTypes } = await itkWasm();
  if (!ITK_SUPPORTED_DTYPES.includes(dtype)) throw unsupportedDType(dtype, url);
  if (shape.length !== 3 && shape.length !== 4) {
    throw new UnsupportedFormatError(`cannot write shape (${shape.join(', ')}) to ${url}; medical images are (Z, Y, X) or (C, Z, Y, X)`, url);
  }
  const dimension = shape.length;
  const image = new Image(new ImageType(dimension, dtype as never, PixelTypes.Scalar, 1));
  const [z, y, x] = shape.slice(-3) as [number, number, number];
  image.size = dimension === 4 ? [x, y, z, shape[0]!] : [x, y, z];
  image.spacing = dimension === 4 ? [...geometry.spacing, 1] : [...geometry.spacing];
  image.origin = dimension === 4 ? [...geometry.origin, 0] : [...geometry.origin];
  const direction = new Float64Array(dimension * dimension);
  for (let r = 0; r < dimension; r++) {
    for (let c = 0; c < dimension; c++) direction[r * dimension + c] = r < 3 && c < 3 ? geometry.direction[r * 3 + c]! : r === c ? 1 : 0;
  }
  image.direction = direction;
  if (data.length !== product(shape)) {
    throw new UnsupportedFormatError(`cannot write ${data.length} values as shape (${shape.join(', ')}) to ${url}`, url);
  }
  image.data = data;
  return image;
}

/** The error for a dtype ITK formats cannot hold, worded for the file's format. */
export function unsupportedDType(dtype: DType, url: string): UnsupportedDTypeError {
  const format = /\.nii(\.gz)?$/i.test(url) ? 'NIfTI' : /\.(mha|mhd)$/i.test(url) ? 'MetaImage' : /\.nrrd$/i.test(url) ? 'NRRD' : 'this format';
  const hint = dtype === 'float16' ? 'write float32' : `use one of ${ITK_SUPPORTED_DTYPES.join(', ')}`;
  return new UnsupportedDTypeError(`${format} cannot hold ${dtype}; ${hint} (${url})`, url);
}

/** The first line of an ITK pipeline error, without the emscripten boilerplate. */
function itkMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^(stdout|stderr|Exception while running pipeline|Build module in Debug mode)/.test(l) && !/^\d+$/.test(l));
  return line ?? 'the ITK reader failed';
}

/** Runs `fn` in a fresh private temp folder and removes it afterwards. */
async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'voxelflow-itk-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads an image with ITK from in-memory files: `files[0]` is the image (or header) and the rest are
 * files it refers to (an .mhd's .raw). They are written to a private temp folder holding nothing
 * else, so no sibling file (e.g. `x.nii` next to `x.nii.gz`) can shadow the one asked for.
 */
export async function readItkFiles(io: ItkIo, files: { name: string; bytes: Uint8Array }[], url: string): Promise<ItkVolumeData> {
  return inTempDir(async (dir) => {
    for (const f of files) await writeFile(join(dir, f.name), f.bytes);
    const path = join(dir, files[0]!.name);
    let result: { couldRead: unknown; image?: Image };
    try {
      const { metaReadImageNode, niftiReadImageNode, nrrdReadImageNode } = await imageIo();
      result =
        io === 'nifti' ? await niftiReadImageNode(path) : io === 'meta' ? await metaReadImageNode(path) : await nrrdReadImageNode(path);
    } catch (err) {
      throw new UnreadableImageError(`cannot read ${url}: ${itkMessage(err)}; the file is truncated or corrupt`, url, { cause: err });
    }
    if (result.couldRead !== true || result.image === undefined) {
      throw new UnreadableImageError(`cannot read ${url}: ITK does not recognise it as ${io === 'meta' ? 'MetaImage' : io === 'nifti' ? 'NIfTI' : 'NRRD'}; the file is truncated or corrupt`, url);
    }
    return fromItkImage(result.image, url);
  });
}

/**
 * Writes `image` with ITK to `name` in a private temp folder and returns every file ITK wrote there
 * (the image, plus the .raw/.zraw of an .mhd), data files first and the named file last.
 */
export async function writeItkFiles(io: ItkIo, image: Image, name: string, useCompression: boolean, url: string): Promise<{ name: string; bytes: Uint8Array }[]> {
  return inTempDir(async (dir) => {
    const path = join(dir, name);
    let result: { couldWrite: unknown };
    try {
      const { metaWriteImageNode, niftiWriteImageNode, nrrdWriteImageNode } = await imageIo();
      result =
        io === 'nifti'
          ? await niftiWriteImageNode(image, path, { useCompression })
          : io === 'meta'
            ? await metaWriteImageNode(image, path, { useCompression })
            : await nrrdWriteImageNode(image, path, { useCompression });
    } catch (err) {
      throw new UnsupportedFormatError(`cannot write ${url}: ${itkMessage(err)}`, url, { cause: err });
    }
    if (result.couldWrite !== true) throw new UnsupportedFormatError(`cannot write ${url}: ITK refused the image`, url);
    const names = (await readdir(dir)).sort((a, b) => (a === name ? 1 : b === name ? -1 : a.localeCompare(b)));
    const out: { name: string; bytes: Uint8Array }[] = [];
    for (const n of names) out.push({ name: n, bytes: new Uint8Array(await readFile(join(dir, n))) });
    return out;
  });
}
