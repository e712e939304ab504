/**
 * Zarr codecs: the three registry patches zarrita 0.7.5 needs (gzip encode with node:zlib, the v3
 * blosc `shuffle` string mapped to numcodecs' integer, nothing for float16 — see zarr-array.ts),
 * the codec metadata VoxelFlow writes for each `ZarrCodec`, and the chunk encoder used by writes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import * as zarr from 'zarrita';
import type { DType, TypedArray, ZarrCodec } from '../types';
import { bytesPerElement } from '../dtype';
import { UnknownCodecError } from '../errors';
import { UnsupportedFormatError } from '../formats/errors';

type RegistryEntry = Parameters<typeof zarr.registry.set>[1];
type CodecEntry = Awaited<ReturnType<RegistryEntry>>;

/** A bytes-to-bytes codec instance as the registry hands it out. */
interface BytesCodec {
  kind?: string;
  encode(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
  decode(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

/** gzip on node:zlib: 3–10× faster than fflate here, and it can encode (zarrita's cannot). */
class NodeGzip implements BytesCodec {
  readonly kind = 'bytes_to_bytes';
  constructor(readonly level: number) {}
  static fromConfig(config: { level?: number } | undefined): NodeGzip {
    return new NodeGzip(config?.level ?? 1);
  }
  encode(data: Uint8Array): Uint8Array {
    const out = gzipSync(data, { level: this.level });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  decode(data: Uint8Array): Uint8Array {
    const out = gunzipSync(data);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}

const SHUFFLE: Record<string, number> = { noshuffle: 0, shuffle: 1, bitshuffle: 2 };

let installed = false;

/**
 * Patches zarrita's codec registry (process-wide, idempotent): gzip encodes through node:zlib, and
 * v3 blosc maps `"shuffle": "shuffle"` to numcodecs' 1 (unpatched, the string silently means no
 * shuffle). Called by every open and create.
 */
export function installZarrCodecs(): void {
  if (installed) return;
  installed = true;
  const gzip = (async () => NodeGzip) as unknown as RegistryEntry;
  zarr.registry.set('gzip', gzip);
  zarr.registry.set('numcodecs.gzip', gzip);
  const blosc = (async () => {
    const Blosc = (await import('numcodecs/blosc')).default;
    return {
      kind: 'bytes_to_bytes',
      fromConfig: (config: Record<string, unknown>) =>
        Blosc.fromConfig({
          ...config,
          shuffle: typeof config.shuffle === 'string' ? (SHUFFLE[config.shuffle] ?? 0) : (config.shuffle as number),
        } as never),
    };
  }) as unknown as RegistryEntry;
  zarr.registry.set('blosc', blosc);
}

/** Codec names a stored array may use (v3 names, and `numcodecs.<id>` for v2 compressors/filters). */
export function supportedCodecs(): string[] {
  installZarrCodecs();
  // fixedscaleoffset is rewritten by zarrita's own v2 reader, which VoxelFlow does not use.
  return [...zarr.registry.keys(), 'sharding_indexed'].filter((n) => !/json|vlen|fixedscaleoffset/.test(n)).sort();
}

/** Whether a stored codec name can be decoded. */
export function isSupportedCodec(name: string): boolean {
  return supportedCodecs().includes(name);
}

/** The v2 `compressor` entry of `.zarray` for `codec` (null for none). */
export function v2Compressor(codec: ZarrCodec): Record<string, unknown> | null {
  switch (codec.name) {
    case 'none':
      return null;
    case 'blosc':
      return { id: 'blosc', cname: codec.cname, clevel: codec.clevel, shuffle: SHUFFLE[codec.shuffle] ?? 0, blocksize: 0 };
    case 'zstd':
      return { id: 'zstd', level: codec.level };
    case 'gzip':
      return { id: 'gzip', level: codec.level };
  }
}

/** The v3 `codecs` list of `zarr.json` for `codec` (bytes, then the compressor). */
export function v3Codecs(
  codec: ZarrCodec,
  dtype: DType,
): {
  /** Codec name, e.g. `bytes`, `blosc`, `zstd`. */
  name: string;
  /** Its configuration object. */
  configuration: Record<string, unknown>;
}[] {
  const bytes = { name: 'bytes', configuration: { endian: 'little' } };
  switch (codec.name) {
    case 'none':
      return [bytes];
    case 'blosc':
      return [
        bytes,
        {
          name: 'blosc',
          configuration: { cname: codec.cname, clevel: codec.clevel, shuffle: codec.shuffle, typesize: bytesPerElement(dtype), blocksize: 0 },
        },
      ];
    case 'zstd':
      return [bytes, { name: 'zstd', configuration: { level: codec.level, checksum: false } }];
    case 'gzip':
      return [bytes, { name: 'gzip', configuration: { level: codec.level } }];
  }
}

/** Blosc-zstd level 3 with byte shuffle: the Vesuvius default for logits and outputs. */
export const DEFAULT_ZARR_CODEC: ZarrCodec = { name: 'blosc', cname: 'zstd', clevel: 3, shuffle: 'shuffle' };

/** Encodes whole chunks (C order) with an array's codec pipeline. */
export interface ChunkEncoder {
  encode(data: TypedArray): Promise<Uint8Array>;
}

/**
 * An encoder for the codec list of an array (zarrita's v3-style list, v2 compressors named
 * `numcodecs.<id>`). Throws UnsupportedFormatError for pipelines VoxelFlow only reads
 * (transposed/F-order, sharded, v2 filters).
 */
export async function createChunkEncoder(
  url: string,
  codecs: readonly { name: string; configuration?: Record<string, unknown> }[],
  meta: { dataType: string; shape: number[] },
): Promise<ChunkEncoder> {
  installZarrCodecs();
  let bigEndian = false;
  const steps: BytesCodec[] = [];
  for (const c of codecs) {
    if (c.name === 'bytes') {
      bigEndian = c.configuration?.endian === 'big';
      continue;
    }
    if (c.name === 'transpose' || c.name === 'sharding_indexed') {
      throw new UnsupportedFormatError(`${url} uses "${c.name}"; VoxelFlow reads such arrays but writes only C-order unsharded ones; write to a new array`, url);
    }
    const entry = await zarr.registry.get(c.name)?.();
    if (!entry) throw new UnknownCodecError(url, c.name, supportedCodecs(), 'encode');
    const codec = (entry as CodecEntry).fromConfig(c.configuration ?? {}, { ...meta, codecs: [], fillValue: null } as never) as unknown as BytesCodec;
    if (codec.kind === 'array_to_array' || codec.kind === 'array_to_bytes') {
      throw new UnsupportedFormatError(`${url} uses the filter "${c.name}"; VoxelFlow reads it but cannot write it; write to a new array`, url);
    }
    steps.push(codec);
  }
  return {
    async encode(data: TypedArray): Promise<Uint8Array> {
      let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (bigEndian && data.BYTES_PER_ELEMENT > 1) bytes = byteSwapped(bytes, data.BYTES_PER_ELEMENT);
      for (const step of steps) bytes = await step.encode(bytes);
      return bytes;
    },
  };
}

function byteSwapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j]!;
  }
  return out;
}
