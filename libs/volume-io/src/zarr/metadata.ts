/**
 * Zarr array metadata: reading `.zarray`(+`.zattrs`) and `zarr.json` into one normalized form, and
 * writing them. VoxelFlow writes Zarr v2 metadata itself because zarrita only creates v3.
 */
import type { Store } from '@voxelflow/remote-storage';
import { isDType } from '../dtype';
import { InvalidVolumeMetadataError, UnknownCodecError } from '../errors';
import { UnsupportedDTypeError } from '../formats/errors';
import { fromFloat16Bits } from '../float16';
import type { DType, ZarrCodec } from '../types';
import { isSupportedCodec, supportedCodecs, v2Compressor, v3Codecs } from './codecs';

/**
 * A codec entry in zarrita's (v3-style) form.
 * @inline
 */
export interface CodecMetadata {
  /** Codec name, e.g. `bytes`, `blosc`, `numcodecs.zlib`. */
  name: string;
  /** Its configuration object. */
  configuration: Record<string, unknown>;
}

/** Array metadata of either Zarr version, normalized. */
export interface ZarrArrayMeta {
  /** 2 (`.zarray`) or 3 (`zarr.json`). */
  zarrFormat: 2 | 3;
  /** Array shape, C order. */
  shape: number[];
  /** Shape of one decodable chunk (the inner chunk of a sharded array). */
  chunkShape: number[];
  /** Element type. */
  dtype: DType;
  /** Numeric fill value (for float16 the value, not its bits). */
  fillValue: number;
  /** The codec pipeline in zarrita's form (v2 compressors and filters named `numcodecs.<id>`). */
  codecs: CodecMetadata[];
  /** How chunk indices become keys. */
  chunkKeyEncoding: {
    /** 'v2' (`z.y.x`) or 'default' (v3: `c/z/y/x`). */
    name: 'v2' | 'default';
    /** Separator between the indices. */
    separator: '.' | '/';
  };
  /** True for a v3 array with the sharding codec (chunkShape is then the inner chunk). */
  sharded: boolean;
  /** The array's attributes. */
  attributes: Record<string, unknown>;
  /** Axis names (v3 `dimension_names`, v2 `_ARRAY_DIMENSIONS`), when stored. */
  dimensionNames?: string[];
  /** The metadata document as stored (`.zarray` or `zarr.json`). */
  document: Record<string, unknown>;
}

const V2_DTYPES: Record<string, DType> = {
  u1: 'uint8', i1: 'int8', u2: 'uint16', i2: 'int16', u4: 'uint32', i4: 'int32', f2: 'float16', f4: 'float32', f8: 'float64',
};
const V2_CODES: Record<DType, string> = {
  uint8: '|u1', int8: '|i1', uint16: '<u2', int16: '<i2', uint32: '<u4', int32: '<i4', float16: '<f2', float32: '<f4', float64: '<f8',
};

/** Joins an array path and a key below it. */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}/${key}`;
}

async function readJson(store: Store, key: string, url: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new InvalidVolumeMetadataError(`${key} of ${url} is not valid JSON (${(e as Error).message}); re-write the array metadata`, url);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InvalidVolumeMetadataError(`${key} of ${url} must hold a JSON object; re-write the array metadata`, url);
  }
  return v as Record<string, unknown>;
}

/** Reads a stored JSON document (undefined when absent); errors name `url`. */
export { readJson as readJsonDocument };

/**
 * Reads the metadata of the array at `path` (v3 `zarr.json` first, then v2 `.zarray`).
 * Returns undefined when neither exists; throws InvalidVolumeMetadataError when `zarr.json`
 * describes a group, UnsupportedDTypeError / UnknownCodecError for what VoxelFlow cannot read.
 */
export async function readArrayMeta(store: Store, path: string, url: string): Promise<ZarrArrayMeta | undefined> {
  const v3 = await readJson(store, joinPath(path, 'zarr.json'), url);
  if (v3) {
    if (v3.node_type !== 'array') return undefined;
    return parseV3(v3, url);
  }
  const v2 = await readJson(store, joinPath(path, '.zarray'), url);
  if (!v2) return undefined;
  const attrs = (await readJson(store, joinPath(path, '.zattrs'), url)) ?? {};
  return parseV2(v2, attrs, url);
}

function intList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
}

function checkCodec(name: string, url: string): void {
  if (!isSupportedCodec(name)) throw new UnknownCodecError(url, name, supportedCodecs());
}

function parseV2(doc: Record<string, unknown>, attributes: Record<string, unknown>, url: string): ZarrArrayMeta {
  const { shape, chunks } = doc;
  if (!intList(shape) || !intList(chunks) || shape.length !== chunks.length || chunks.some((c) => c === 0)) {
    throw new InvalidVolumeMetadataError(`.zarray of ${url} has no valid shape/chunks; re-write the array metadata`, url);
  }
  const m = typeof doc.dtype === 'string' ? /^([<>|=])([a-zA-Z]\d+)$/.exec(doc.dtype) : null;
  const dtype = m ? V2_DTYPES[m[2]!] : undefined;
  if (!m || !dtype) {
    throw new UnsupportedDTypeError(
      `${url} has dtype ${JSON.stringify(doc.dtype)}; VoxelFlow reads ${Object.values(V2_CODES).join(', ')}; convert the array`,
      url,
    );
  }
  const codecs: CodecMetadata[] = [];
  if (doc.order === 'F') codecs.push({ name: 'transpose', configuration: { order: 'F' } });
  for (const f of Array.isArray(doc.filters) ? doc.filters : []) {
    const { id, ...configuration } = f as { id: string };
    checkCodec(`numcodecs.${id}`, url);
    codecs.push({ name: `numcodecs.${id}`, configuration });
  }
  if (m[1] === '>') codecs.push({ name: 'bytes', configuration: { endian: 'big' } });
  if (doc.compressor) {
    const { id, ...configuration } = doc.compressor as { id: string };
    checkCodec(`numcodecs.${id}`, url);
    codecs.push({ name: `numcodecs.${id}`, configuration });
  }
  const sep = doc.dimension_separator === '/' ? '/' : '.';
  const dims = attributes._ARRAY_DIMENSIONS;
  return {
    zarrFormat: 2,
    shape,
    chunkShape: chunks,
    dtype,
    fillValue: parseFill(doc.fill_value, dtype, url),
    codecs,
    chunkKeyEncoding: { name: 'v2', separator: sep },
    sharded: false,
    attributes,
    ...(Array.isArray(dims) ? { dimensionNames: dims as string[] } : {}),
    document: doc,
  };
}

function parseV3(doc: Record<string, unknown>, url: string): ZarrArrayMeta {
  const shape = doc.shape;
  const grid = doc.chunk_grid as { name?: string; configuration?: { chunk_shape?: unknown } } | undefined;
  let chunkShape = grid?.configuration?.chunk_shape;
  if (!intList(shape) || grid?.name !== 'regular' || !intList(chunkShape) || chunkShape.length !== shape.length) {
    throw new InvalidVolumeMetadataError(`zarr.json of ${url} has no valid shape/regular chunk grid; re-write the array metadata`, url);
  }
  const dtype = doc.data_type;
  if (!isDType(dtype)) {
    throw new UnsupportedDTypeError(`${url} has data_type ${JSON.stringify(dtype)}; VoxelFlow reads ${Object.keys(V2_CODES).join(', ')}; convert the array`, url);
  }
  const codecs = (Array.isArray(doc.codecs) ? doc.codecs : []) as CodecMetadata[];
  let sharded = false;
  for (const c of codecs) {
    checkCodec(c.name, url);
    if (c.name === 'sharding_indexed') {
      sharded = true;
      const inner = c.configuration as { chunk_shape?: unknown; codecs?: CodecMetadata[] };
      if (!intList(inner.chunk_shape)) throw new InvalidVolumeMetadataError(`zarr.json of ${url}: sharding without chunk_shape`, url);
      chunkShape = inner.chunk_shape;
      for (const ic of inner.codecs ?? []) checkCodec(ic.name, url);
    }
  }
  const enc = doc.chunk_key_encoding as { name?: string; configuration?: { separator?: string } } | undefined;
  const name = enc?.name === 'v2' ? 'v2' : 'default';
  const separator = (enc?.configuration?.separator ?? (name === 'v2' ? '.' : '/')) === '.' ? '.' : '/';
  const attributes = (doc.attributes && typeof doc.attributes === 'object' ? doc.attributes : {}) as Record<string, unknown>;
  const dims = doc.dimension_names;
  return {
    zarrFormat: 3,
    shape,
    chunkShape: chunkShape as number[],
    dtype,
    fillValue: parseFill(doc.fill_value, dtype, url),
    codecs,
    chunkKeyEncoding: { name, separator },
    sharded,
    attributes,
    ...(Array.isArray(dims) && dims.every((d) => typeof d === 'string') ? { dimensionNames: dims as string[] } : {}),
    document: doc,
  };
}

function parseFill(v: unknown, dtype: DType, url: string): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v)) {
    const bits = Number.parseInt(v, 16);
    if (dtype === 'float16') return fromFloat16Bits(bits);
    if (dtype === 'float32') return new Float32Array(Uint32Array.of(bits).buffer)[0]!;
    if (dtype === 'float64') return new DataView(hexBytes(v.slice(2).padStart(16, '0'))).getFloat64(0);
    return bits;
  }
  throw new InvalidVolumeMetadataError(`${url} has fill_value ${JSON.stringify(v)}, which VoxelFlow cannot read; re-write the metadata`, url);
}

function hexBytes(hex: string): ArrayBuffer {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out.buffer;
}

function fillJson(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** What `writeArrayMeta` needs to describe a new array. */
export interface NewArraySpec {
  format: 'zarr2' | 'zarr3';
  shape: number[];
  chunkShape: number[];
  dtype: DType;
  codec: ZarrCodec;
  fillValue: number;
  attributes: Record<string, unknown>;
  dimensionSeparator: '.' | '/';
  dimensionNames?: string[];
}

/** The metadata documents (key → JSON) describing `spec`, in the order to write them. */
export function arrayMetaDocuments(spec: NewArraySpec): [string, Record<string, unknown>][] {
  if (spec.format === 'zarr2') {
    const zarray = {
      zarr_format: 2,
      shape: spec.shape,
      chunks: spec.chunkShape,
      dtype: V2_CODES[spec.dtype],
      compressor: v2Compressor(spec.codec),
      fill_value: fillJson(spec.fillValue),
      order: 'C',
      filters: null,
      dimension_separator: spec.dimensionSeparator,
    };
    const attrs = { ...spec.attributes, ...(spec.dimensionNames ? { _ARRAY_DIMENSIONS: spec.dimensionNames } : {}) };
    // .zattrs first: the array becomes visible with .zarray, by then complete.
    return [['.zattrs', attrs], ['.zarray', zarray]];
  }
  const doc: Record<string, unknown> = {
    zarr_format: 3,
    node_type: 'array',
    shape: spec.shape,
    data_type: spec.dtype,
    chunk_grid: { name: 'regular', configuration: { chunk_shape: spec.chunkShape } },
    chunk_key_encoding: { name: 'default', configuration: { separator: spec.dimensionSeparator } },
    fill_value: fillJson(spec.fillValue),
    codecs: v3Codecs(spec.codec, spec.dtype),
    attributes: spec.attributes,
    ...(spec.dimensionNames ? { dimension_names: spec.dimensionNames } : {}),
    storage_transformers: [],
  };
  return [['zarr.json', doc]];
}

/** The normalized metadata of a new array, without reading it back from the store. */
export function metaFromSpec(spec: NewArraySpec, url: string): ZarrArrayMeta {
  const docs = new Map(arrayMetaDocuments(spec));
  const round = (v: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  return spec.format === 'zarr2'
    ? parseV2(round(docs.get('.zarray')), round(docs.get('.zattrs')), url)
    : parseV3(round(docs.get('zarr.json')), url);
}

/** JSON bytes as VoxelFlow stores metadata. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes the documents of `spec` under `path`. */
export async function writeArrayMeta(store: Store, path: string, spec: NewArraySpec): Promise<void> {
  for (const [key, doc] of arrayMetaDocuments(spec)) {
    await store.set(joinPath(path, key), jsonBytes(doc));
  }
}

/** Replaces an existing array's attributes (v2 `.zattrs`, or the `attributes` of v3 `zarr.json`). */
export async function writeArrayAttributes(store: Store, path: string, meta: ZarrArrayMeta, attributes: Record<string, unknown>): Promise<void> {
  if (meta.zarrFormat === 2) {
    await store.set(joinPath(path, '.zattrs'), jsonBytes(attributes));
  } else {
    meta.document = { ...meta.document, attributes };
    await store.set(joinPath(path, 'zarr.json'), jsonBytes(meta.document));
  }
}

/** The store key (below the array) of the chunk at `coords`. */
export function chunkKeyOf(meta: Pick<ZarrArrayMeta, 'chunkKeyEncoding'>, coords: readonly number[]): string {
  const { name, separator } = meta.chunkKeyEncoding;
  if (name === 'v2') return coords.length === 0 ? '0' : coords.join(separator);
  return ['c', ...coords].join(separator);
}
