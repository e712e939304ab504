/**
 * NIfTI (.nii, .nii.gz), MetaImage (.mha, .mhd + data file) and NRRD (.nrrd) volumes through
 * itk-wasm, with full geometry. The file is read whole on open and boxes are served from memory;
 * `close()` writes the whole file once, atomically, through the store.
 *
 * Files go through a private temp folder that holds only them, which sidesteps itk-wasm's bug where a
 * sibling `x.nii` shadows `x.nii.gz`. ITK zero-fills a truncated .nii instead of failing, so sizes are
 * checked here first: a .nii against its header; a .nii.gz by its gzip trailer (or, when that does not
 * match, by gunzipping it here, which fails loudly on a cut stream); .mha/.mhd/.nrrd by their headers.
 * A .nii.gz is written by ITK as .nii and gzipped here, in parallel blocks, at a configurable level.
 */
import { promisify } from 'node:util';
import { constants as zlibConstants, gunzip, gunzipSync } from 'node:zlib';
import { baseName, parentKey, joinKey } from '@voxelflow/remote-storage';
import type { DType, Geometry } from '../types';
import { typedArrayFor } from '../dtype';
import { product } from '../region-copy';
import { ImageNotFoundError, oneLine, UnreadableImageError, UnsupportedFormatError } from './errors';
import { readItkFiles, toItkImage, unsupportedDType, writeItkFiles, ITK_SUPPORTED_DTYPES, type ItkIo, type ItkVolumeData } from './itk-image';
import { displayUrl, readFileBytes, resolveFile, type FileLocation, type ResolvedFile } from './locations';
import { checkNiftiBytes, readNiftiLayout } from './nifti-header';
import { gzipParallel } from './parallel-gzip';
import { checkMetaImageData, checkNrrdBytes, parseMetaHeader } from './text-header-checks';
import { identityGeometry, WholeFileVolume } from './whole-file-volume';

const gunzipAsync = promisify(gunzip);

/** How a medical-image file name maps to an ITK IO and a VolumeFormat. */
interface MedicalKind {
  format: 'nifti' | 'metaimage' | 'nrrd';
  io: ItkIo;
  /** .nii.gz */
  gzipped: boolean;
  /** .mhd: header plus a separate data file */
  detachedData: boolean;
}

/** The medical-image format of a file name (.nii, .nii.gz, .mha, .mhd, .nrrd; any case), or undefined. */
export function medicalImageFormat(name: string): 'nifti' | 'metaimage' | 'nrrd' | undefined {
  return medicalKind(name)?.format;
}

function medicalKind(name: string): MedicalKind | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.nii.gz')) return { format: 'nifti', io: 'nifti', gzipped: true, detachedData: false };
  if (n.endsWith('.nii')) return { format: 'nifti', io: 'nifti', gzipped: false, detachedData: false };
  if (n.endsWith('.mha')) return { format: 'metaimage', io: 'meta', gzipped: false, detachedData: false };
  if (n.endsWith('.mhd')) return { format: 'metaimage', io: 'meta', gzipped: false, detachedData: true };
  if (n.endsWith('.nrrd')) return { format: 'nrrd', io: 'nrrd', gzipped: false, detachedData: false };
  return undefined;
}

/** Options of {@link createMedicalImage}, also accepted by {@link openMedicalImage} for rewrites. */
export interface MedicalImageWriteOptions {
  /** Compress .mha/.mhd (zlib) and .nrrd (gzip) data; default true. (.nii never, .nii.gz always.) */
  compression?: boolean;
  /** gzip level of .nii.gz, 1–9; default 1 (fast; nibabel's default too). */
  gzipLevel?: number;
}

/** Options of {@link createMedicalImage}. */
export interface CreateMedicalImageOptions extends MedicalImageWriteOptions {
  /** (Z, Y, X), or (C, Z, Y, X) written as a 4D image (NIfTI's t axis). */
  shape: number[];
  /** uint8, int8, uint16, int16, uint32, int32, float32 or float64 (not float16). */
  dtype: DType;
  /** Default: identity direction, unit spacing, zero origin (millimetres). */
  geometry?: Geometry;
}

/** A NIfTI / MetaImage / NRRD volume held in memory; see the module comment. */
export class MedicalImageVolume extends WholeFileVolume {
  private constructor(
    file: ResolvedFile,
    private readonly kind: MedicalKind,
    vol: ItkVolumeData,
    created: boolean,
    private readonly writeOptions: MedicalImageWriteOptions,
  ) {
    super(file, kind.format, vol.shape, vol.dtype, vol.geometry, vol.metadata, vol.data, created);
  }

  /** @internal Use {@link openMedicalImage}. */
  static async open(location: FileLocation, opts: MedicalImageWriteOptions = {}): Promise<MedicalImageVolume> {
    const file = await resolveFile(location);
    const kind = requireKind(file);
    const bytes = await readFileBytes(file, 'image');
    const files = await itkInputFiles(file, kind, bytes);
    const vol = await readItkFiles(kind.io, files, file.url);
    return new MedicalImageVolume(file, kind, vol, false, opts);
  }

  /** @internal Use {@link createMedicalImage}. */
  static async create(location: FileLocation, opts: CreateMedicalImageOptions): Promise<MedicalImageVolume> {
    const file = await resolveFile(location);
    const kind = requireKind(file);
    if (!ITK_SUPPORTED_DTYPES.includes(opts.dtype)) throw unsupportedDType(opts.dtype, file.url);
    if (opts.shape.length !== 3 && opts.shape.length !== 4) {
      throw new UnsupportedFormatError(`cannot create ${file.url} with shape (${opts.shape.join(', ')}); medical images are (Z, Y, X) or (C, Z, Y, X)`, file.url);
    }
    const geometry = opts.geometry ?? { ...identityGeometry(), unit: 'millimeter' };
    const vol: ItkVolumeData = { shape: [...opts.shape], dtype: opts.dtype, data: typedArrayFor(opts.dtype, product(opts.shape)), geometry, metadata: {} };
    return new MedicalImageVolume(file, kind, vol, true, opts);
  }

  protected async encodeAndStore(): Promise<void> {
    const { store, key, url } = this.file;
    const image = await toItkImage(this.shape, this.dtype, this.data, this.geometry, url);
    const compression = this.writeOptions.compression ?? true;
    if (this.kind.io === 'nifti') {
      const [nii] = await writeItkFiles('nifti', image, 'image.nii', false, url);
      const bytes = this.kind.gzipped ? await gzipParallel(nii!.bytes, this.writeOptions.gzipLevel ?? 1) : nii!.bytes;
      await store.set(key, bytes);
      return;
    }
    if (this.kind.detachedData) {
      // ITK names the data file after the header (scan.mhd → scan.raw / scan.zraw); data goes first so
      // the header never points at a missing file.
      const written = await writeItkFiles('meta', image, baseName(key), compression, url);
      for (const f of written) await store.set(joinKey(parentKey(key), f.name), f.bytes);
      return;
    }
    const name = this.kind.io === 'meta' ? 'image.mha' : 'image.nrrd';
    const [out] = await writeItkFiles(this.kind.io, image, name, compression, url);
    await store.set(key, out!.bytes);
  }
}

function requireKind(file: ResolvedFile): MedicalKind {
  const kind = medicalKind(file.key);
  if (kind === undefined) {
    throw new UnsupportedFormatError(`${file.url} is not a medical image this package reads; use .nii, .nii.gz, .mha, .mhd or .nrrd`, file.url);
  }
  return kind;
}

/** The files ITK needs, named for the temp folder: a .nii (gunzipped and checked), an .mha, .nrrd, or an .mhd plus its data file. */
async function itkInputFiles(file: ResolvedFile, kind: MedicalKind, bytes: Uint8Array): Promise<{ name: string; bytes: Uint8Array }[]> {
  const { url } = file;
  if (kind.io === 'nifti') {
    if (kind.gzipped && gzipLooksComplete(bytes, url)) return [{ name: 'image.nii.gz', bytes }];
    let raw = bytes;
    if (kind.gzipped) {
      try {
        raw = new Uint8Array(await gunzipAsync(bytes));
      } catch (err) {
        const why = oneLine(err instanceof Error ? err.message : String(err));
        throw new UnreadableImageError(`cannot read ${url}: not a complete gzip stream (${why}); the file is truncated or corrupt, re-copy it`, url, { cause: err });
      }
    }
    checkNiftiBytes(raw, url);
    return [{ name: 'image.nii', bytes: raw }];
  }
  if (kind.io === 'nrrd') {
    if (/^data ?file:/im.test(headerText(bytes))) {
      throw new UnsupportedFormatError(`${url} is a NRRD header with a detached data file; convert it to a single .nrrd`, url);
    }
    checkNrrdBytes(bytes, url);
    return [{ name: 'image.nrrd', bytes }];
  }
  const { fields, dataOffset } = parseMetaHeader(bytes);
  const dataName = fields.get('ElementDataFile');
  if (dataName === undefined) {
    throw new UnreadableImageError(`cannot read ${url}: the MetaImage header has no ElementDataFile line; the file is truncated or not MetaImage`, url);
  }
  const headerName = kind.detachedData ? baseName(file.key) : 'image.mha';
  if (dataName === 'LOCAL') {
    checkMetaImageData(fields, bytes.byteLength - dataOffset, url);
    return [{ name: headerName, bytes }];
  }
  if (!kind.detachedData) {
    throw new UnsupportedFormatError(`${url} is an .mha whose data is in '${dataName}'; name the header .mhd or embed the data`, url);
  }
  if (dataName.includes('/') || dataName.includes('\\') || /^LIST\b/.test(dataName) || dataName.includes('%')) {
    throw new UnsupportedFormatError(`${url} refers to data '${dataName}'; only one data file beside the header is supported, convert it to .mha`, url);
  }
  const dataKey = joinKey(parentKey(file.key), dataName);
  const data = await file.store.get(dataKey);
  if (data === undefined) {
    const dataUrl = displayUrl(file.store, dataKey);
    throw new ImageNotFoundError(`data file ${dataUrl} named by ${url} does not exist; copy it next to the header`, dataUrl);
  }
  checkMetaImageData(fields, data.byteLength, displayUrl(file.store, dataKey));
  return [
    { name: headerName, bytes },
    { name: dataName, bytes: data },
  ];
}

/**
 * Whether a .nii.gz is evidently whole: its gzip trailer's ISIZE (uncompressed size mod 2³²) equals
 * the size its NIfTI header implies. Then ITK can read the .nii.gz itself, which is faster than
 * gunzipping here. Anything else (truncation, extra members, odd headers) takes the careful path.
 */
function gzipLooksComplete(bytes: Uint8Array, url: string): boolean {
  if (bytes.byteLength < 32) return false;
  let head: Uint8Array;
  try {
    head = new Uint8Array(gunzipSync(bytes.subarray(0, Math.min(bytes.byteLength, 16384)), { finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  } catch {
    return false;
  }
  if (head.byteLength < 540 && head.byteLength < bytes.byteLength) return false;
  let expected: number;
  try {
    expected = readNiftiLayout(head, url).expectedBytes;
  } catch {
    return false;
  }
  const isize = new DataView(bytes.buffer, bytes.byteOffset + bytes.byteLength - 4, 4).getUint32(0, true);
  return isize === expected % 2 ** 32;
}

/** The text header at the start of a MetaImage/NRRD file (up to the first blank line or 64 KiB). */
function headerText(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.byteLength, 65536))).split(/\r?\n\r?\n/)[0]!;
}

/**
 * Opens a .nii, .nii.gz, .mha, .mhd or .nrrd (path, URL or store + key) with its geometry. Shape is
 * (Z, Y, X), or (C, Z, Y, X) for 4D and multi-component images. Writes are stored on `close()`.
 */
export function openMedicalImage(location: FileLocation, opts?: MedicalImageWriteOptions): Promise<MedicalImageVolume> {
  return MedicalImageVolume.open(location, opts);
}

/**
 * Creates a zero-filled medical image; the file is written on `close()`. Throws
 * {@link UnsupportedDTypeError} for float16 ("NIfTI cannot hold float16; write float32").
 */
export function createMedicalImage(location: FileLocation, opts: CreateMedicalImageOptions): Promise<MedicalImageVolume> {
  return MedicalImageVolume.create(location, opts);
}
