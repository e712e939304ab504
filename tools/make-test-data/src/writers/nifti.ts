/**
 * A hand-written NIfTI-1 single-file writer (.nii, or .nii.gz when gzipped by the caller's choice of
 * name). Both sform and qform are written (code 1, scanner), as ITK does, so readers that use either
 * see the same geometry.
 */
import { gzipSync } from 'node:zlib';
import { rasAffine, type ImageGeometry } from './geometry';
import { TestDataError } from '../errors';

/** Voxel types the writer supports, with their NIfTI datatype codes. */
const DATATYPE = { uint8: [2, 8], int16: [4, 16], float32: [16, 32] } as const;

/** Encodes a 3D image as NIfTI-1 bytes; `gzip` compresses the whole file (for .nii.gz). */
export function encodeNifti1(
  data: Uint8Array | Int16Array | Float32Array,
  geometry: ImageGeometry,
  options: { gzip: boolean; description?: string },
): Uint8Array {
  const kind = data instanceof Uint8Array ? 'uint8' : data instanceof Int16Array ? 'int16' : 'float32';
  const [datatype, bitpix] = DATATYPE[kind];
  const [nx, ny, nz] = geometry.size;
  if (data.length !== nx * ny * nz) throw new TestDataError(`encodeNifti1: ${data.length} voxels for size ${geometry.size}`);
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0); // sizeof_hdr
  h.writeUInt8('r'.charCodeAt(0), 38); // regular
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((v, i) => h.writeInt16LE(v, 40 + 2 * i));
  h.writeInt16LE(datatype, 70);
  h.writeInt16LE(bitpix, 72);
  const affine = rasAffine(geometry);
  const q = quaternion(affine, geometry.spacing);
  [q.qfac, ...geometry.spacing, 0, 0, 0, 0].forEach((v, i) => h.writeFloatLE(v, 76 + 4 * i));
  h.writeFloatLE(352, 108); // vox_offset
  h.writeFloatLE(1, 112); // scl_slope
  h.writeFloatLE(0, 116); // scl_inter
  h.writeUInt8(2 | 8, 123); // xyzt_units: mm, s
  h.write((options.description ?? '').slice(0, 79), 148, 'latin1');
  h.writeInt16LE(1, 252); // qform_code: scanner
  h.writeInt16LE(1, 254); // sform_code: scanner
  [q.b, q.c, q.d, affine[0]![3]!, affine[1]![3]!, affine[2]![3]!].forEach((v, i) => h.writeFloatLE(v, 256 + 4 * i));
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) h.writeFloatLE(affine[r]![c]!, 280 + 16 * r + 4 * c);
  h.write('n+1\0', 344, 'latin1');
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength); // host order = little-endian here
  const file = Buffer.concat([h, body]);
  return options.gzip ? gzipSync(file, { level: 9 }) : file;
}

/**
 * The NIfTI quaternion (b, c, d) and qfac of a RAS affine, following nifti1_io's
 * mat44_to_quatern for the pure-rotation case (no shear, which our geometries never have).
 */
function quaternion(affine: number[][], spacing: [number, number, number]): { b: number; c: number; d: number; qfac: number } {
  const R = [0, 1, 2].map((r) => [0, 1, 2].map((c) => affine[r]![c]! / spacing[c]!));
  const det =
    R[0]![0]! * (R[1]![1]! * R[2]![2]! - R[1]![2]! * R[2]![1]!) -
    R[0]![1]! * (R[1]![0]! * R[2]![2]! - R[1]![2]! * R[2]![0]!) +
    R[0]![2]! * (R[1]![0]! * R[2]![1]! - R[1]![1]! * R[2]![0]!);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) for (const row of R) row[2] = -row[2]!;
  const [r11, r12, r13] = R[0]!;
  const [r21, r22, r23] = R[1]!;
  const [r31, r32, r33] = R[2]!;
  let a = r11! + r22! + r33! + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32! - r23!)) / a;
    c = (0.25 * (r13! - r31!)) / a;
    d = (0.25 * (r21! - r12!)) / a;
  } else {
    const xd = 1 + r11! - (r22! + r33!);
    const yd = 1 + r22! - (r11! + r33!);
    const zd = 1 + r33! - (r11! + r22!);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12! + r21!)) / b;
      d = (0.25 * (r13! + r31!)) / b;
      a = (0.25 * (r32! - r23!)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12! + r21!)) / c;
      d = (0.25 * (r23! + r32!)) / c;
      a = (0.25 * (r13! - r31!)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13! + r31!)) / d;
      c = (0.25 * (r23! + r32!)) / d;
      a = (0.25 * (r21! - r12!)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b: b + 0, c: c + 0, d: d + 0, qfac }; // + 0 turns −0 into 0
}
