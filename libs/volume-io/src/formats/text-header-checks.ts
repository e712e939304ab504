/**
 * Size checks for MetaImage and NRRD files before ITK reads them. ITK does detect most truncated
 * files, but its WASM build prints several lines of diagnostics to the console when it does; checking
 * here turns the common case (a file cut short during a copy) into one clean error.
 */
import { UnreadableImageError } from './errors';

const META_BYTES: Record<string, number> = {
  MET_CHAR: 1,
  MET_UCHAR: 1,
  MET_SHORT: 2,
  MET_USHORT: 2,
  MET_INT: 4,
  MET_UINT: 4,
  MET_LONG_LONG: 8,
  MET_ULONG_LONG: 8,
  MET_FLOAT: 4,
  MET_DOUBLE: 8,
};

const NRRD_BYTES: Record<string, number> = {
  'signed char': 1, int8: 1, int8_t: 1, uchar: 1, 'unsigned char': 1, uint8: 1, uint8_t: 1,
  short: 2, 'short int': 2, 'signed short': 2, 'signed short int': 2, int16: 2, int16_t: 2,
  ushort: 2, 'unsigned short': 2, 'unsigned short int': 2, uint16: 2, uint16_t: 2,
  int: 4, 'signed int': 4, int32: 4, int32_t: 4, uint: 4, 'unsigned int': 4, uint32: 4, uint32_t: 4,
  longlong: 8, 'long long': 8, 'long long int': 8, 'signed long long': 8, 'signed long long int': 8, int64: 8, int64_t: 8,
  ulonglong: 8, 'unsigned long long': 8, 'unsigned long long int': 8, uint64: 8, uint64_t: 8,
  float: 4, double: 8,
};

function fail(url: string, have: number, need: number): never {
  throw new UnreadableImageError(`cannot read ${url}: it holds ${have} bytes of voxel data but its header needs ${need}; the file is truncated, re-copy it`, url);
}

/** Parses `Key = Value` lines up to and including ElementDataFile; returns them and the data offset. */
export function parseMetaHeader(bytes: Uint8Array): { fields: Map<string, string>; dataOffset: number } {
  const fields = new Map<string, string>();
  const limit = Math.min(bytes.byteLength, 65536);
  let lineStart = 0;
  for (let i = 0; i < limit; i++) {
    if (bytes[i] !== 0x0a) continue;
    const line = new TextDecoder('latin1').decode(bytes.subarray(lineStart, i)).trim();
    lineStart = i + 1;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    fields.set(key, line.slice(eq + 1).trim());
    if (key === 'ElementDataFile') return { fields, dataOffset: lineStart };
  }
  return { fields, dataOffset: -1 };
}

/**
 * Checks that a MetaImage's voxel data is complete: `dataBytes` is the length of the data (the bytes
 * after the header for .mha and LOCAL data, or the whole data file of an .mhd). Unknown layouts pass.
 */
export function checkMetaImageData(fields: Map<string, string>, dataBytes: number, url: string): void {
  const headerSize = Number(fields.get('HeaderSize') ?? '0');
  if (headerSize !== 0) return;
  if ((fields.get('CompressedData') ?? 'False').toLowerCase() === 'true') {
    const size = Number(fields.get('CompressedDataSize'));
    if (Number.isFinite(size) && size > 0 && dataBytes < size) fail(url, dataBytes, size);
    return;
  }
  const elem = META_BYTES[fields.get('ElementType') ?? ''];
  const dims = (fields.get('DimSize') ?? '').split(/\s+/).map(Number);
  if (elem === undefined || dims.length === 0 || dims.some((d) => !Number.isFinite(d))) return;
  const channels = Number(fields.get('ElementNumberOfChannels') ?? '1');
  const need = dims.reduce((a, b) => a * b, 1) * channels * elem;
  if (dataBytes < need) fail(url, dataBytes, need);
}

/** Checks the voxel data of a single-file raw-encoded NRRD; other encodings pass (ITK checks them). */
export function checkNrrdBytes(bytes: Uint8Array, url: string): void {
  const limit = Math.min(bytes.byteLength, 65536);
  let end = -1;
  for (let i = 0; i + 1 < limit; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) {
      end = i + 2;
      break;
    }
  }
  if (end < 0) {
    throw new UnreadableImageError(`cannot read ${url}: no complete NRRD header (no blank line ends it); the file is truncated or not NRRD`, url);
  }
  const fields = new Map<string, string>();
  for (const line of new TextDecoder('latin1').decode(bytes.subarray(0, end)).split('\n')) {
    const m = /^([^:#][^:]*):=?\s*(.*)$/.exec(line.trim());
    if (m !== null) fields.set(m[1]!.trim().toLowerCase(), m[2]!.trim());
  }
  if ((fields.get('encoding') ?? '') !== 'raw' || fields.has('byte skip') || fields.has('line skip')) return;
  const elem = NRRD_BYTES[fields.get('type') ?? ''];
  const sizes = (fields.get('sizes') ?? '').split(/\s+/).map(Number);
  if (elem === undefined || sizes.some((d) => !Number.isFinite(d))) return;
  const need = sizes.reduce((a, b) => a * b, 1) * elem;
  if (bytes.byteLength - end < need) fail(url, bytes.byteLength - end, need);
}
