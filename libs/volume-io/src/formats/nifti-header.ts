/**
 * Just enough of the NIfTI-1/-2 header to check a single-file (.nii) image before ITK reads it: ITK
 * fills a truncated .nii with zeros instead of failing, so the size check happens here.
 */
import { UnreadableImageError, UnsupportedFormatError } from './errors';

/** What the header says about the voxel data. */
export interface NiftiLayout {
  version: 1 | 2;
  /** dim[1..dim[0]]. */
  dims: number[];
  bitsPerVoxel: number;
  /** Byte offset of the voxel data. */
  voxOffset: number;
  /** voxOffset + voxels × bytes per voxel. */
  expectedBytes: number;
}

/**
 * Reads the layout of a single-file NIfTI image and checks that `bytes` holds all of its voxels.
 * Throws {@link UnreadableImageError} (not NIfTI, or truncated) naming `url`.
 */
export function checkNiftiBytes(bytes: Uint8Array, url: string): NiftiLayout {
  const layout = readNiftiLayout(bytes, url);
  if (bytes.byteLength < layout.expectedBytes) {
    throw new UnreadableImageError(
      `cannot read ${url}: it holds ${bytes.byteLength} bytes but its header needs ${layout.expectedBytes}; the file is truncated, re-copy it`,
      url,
    );
  }
  return layout;
}

/** The layout from a NIfTI header; `bytes` may be just the start of the file (≥ 540 bytes for NIfTI-2). */
export function readNiftiLayout(bytes: Uint8Array, url: string): NiftiLayout {
  if (bytes.byteLength < 348) {
    throw new UnreadableImageError(`cannot read ${url}: ${bytes.byteLength} bytes is shorter than a NIfTI header; the file is truncated or not NIfTI`, url);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little = true;
  let size = v.getInt32(0, true);
  if (size !== 348 && size !== 540) {
    little = false;
    size = v.getInt32(0, false);
  }
  let layout: NiftiLayout;
  if (size === 348) {
    const magic = String.fromCharCode(bytes[344]!, bytes[345]!, bytes[346]!);
    if (magic === 'ni1') {
      throw new UnsupportedFormatError(`${url} is a two-file NIfTI (.hdr/.img); convert it to a single .nii or .nii.gz`, url);
    }
    const rank = v.getInt16(40, little);
    const dims = readDims(rank, (i) => v.getInt16(40 + 2 * i, little), url);
    const bitsPerVoxel = v.getInt16(72, little);
    layout = { version: 1, dims, bitsPerVoxel, voxOffset: Math.max(352, Math.round(v.getFloat32(108, little))), expectedBytes: 0 };
  } else if (size === 540 && bytes.byteLength >= 540) {
    const rank = Number(v.getBigInt64(16, little));
    const dims = readDims(rank, (i) => Number(v.getBigInt64(16 + 8 * i, little)), url);
    const bitsPerVoxel = v.getInt16(14, little);
    layout = { version: 2, dims, bitsPerVoxel, voxOffset: Number(v.getBigInt64(168, little)), expectedBytes: 0 };
  } else {
    throw new UnreadableImageError(`cannot read ${url}: no NIfTI header (sizeof_hdr is ${size}); the file is corrupt or not NIfTI`, url);
  }
  let voxels = 1;
  for (const d of layout.dims) voxels *= d;
  layout.expectedBytes = layout.voxOffset + Math.ceil((voxels * layout.bitsPerVoxel) / 8);
  return layout;
}

function readDims(rank: number, dim: (i: number) => number, url: string): number[] {
  if (rank < 1 || rank > 7) {
    throw new UnreadableImageError(`cannot read ${url}: NIfTI dim[0] is ${rank}, not 1–7; the file is corrupt`, url);
  }
  const dims: number[] = [];
  for (let i = 1; i <= rank; i++) {
    const d = dim(i);
    if (d < 1) throw new UnreadableImageError(`cannot read ${url}: NIfTI dim[${i}] is ${d}; the file is corrupt`, url);
    dims.push(d);
  }
  return dims;
}
