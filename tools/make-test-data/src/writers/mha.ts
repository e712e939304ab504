/**
 * A hand-written MetaImage (.mha) writer: a text header, then the zlib-compressed voxels.
 * MetaImage's TransformMatrix lists the direction column by column (the transpose of ITK's
 * row-major flat direction).
 */
import { deflateSync } from 'node:zlib';
import type { ImageGeometry } from './geometry';

const ELEMENT_TYPE = { uint8: 'MET_UCHAR', int16: 'MET_SHORT', float32: 'MET_FLOAT' } as const;

/** Encodes a 3D image as a compressed .mha file. */
export function encodeMha(data: Uint8Array | Int16Array | Float32Array, geometry: ImageGeometry): Uint8Array {
  const kind = data instanceof Uint8Array ? 'uint8' : data instanceof Int16Array ? 'int16' : 'float32';
  const body = deflateSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { level: 9 });
  const d = geometry.direction;
  const columns = [0, 1, 2].flatMap((c) => [0, 1, 2].map((r) => d[3 * r + c]!));
  const num = (v: number): string => String(v + 0); // no "-0"
  const header = [
    'ObjectType = Image',
    'NDims = 3',
    'BinaryData = True',
    'BinaryDataByteOrderMSB = False',
    'CompressedData = True',
    `CompressedDataSize = ${body.length}`,
    `TransformMatrix = ${columns.map(num).join(' ')}`,
    `Offset = ${geometry.origin.map(num).join(' ')}`,
    'CenterOfRotation = 0 0 0',
    `ElementSpacing = ${geometry.spacing.map(num).join(' ')}`,
    `DimSize = ${geometry.size.join(' ')}`,
    `ElementType = ${ELEMENT_TYPE[kind]}`,
    'ElementDataFile = LOCAL',
    '',
  ].join('\n');
  return Buffer.concat([Buffer.from(header, 'latin1'), body]);
}
