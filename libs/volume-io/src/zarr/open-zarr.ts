import { readNgff } from '@voxelflow/ome-ngff';
import type { Store } from '@voxelflow/remote-storage';
import { defaultChunkCache, type ChunkCache } from '../chunk-cache';
import { InvalidVolumeMetadataError, VolumeNotFoundError } from '../errors';
import { identityGeometry } from '../formats/whole-file-volume';
import type { Geometry } from '../types';
import { installZarrCodecs } from './codecs';
import { joinPath, readArrayMeta, readJsonDocument } from './metadata';
import { openOmeZarrLevel } from './ome-group';
import { ZarrVolume } from './zarr-volume';

/** What is stored at a path, as far as Zarr goes. */
export type ZarrNodeKind = 'zarr2' | 'zarr3' | 'ome-zarr' | 'zarr-group' | undefined;

/** Looks at the metadata at `path`: an array (v2/v3), an OME-Zarr multiscale group, another group, or nothing. */
export async function detectZarrNode(store: Store, path: string): Promise<ZarrNodeKind> {
  const url = store.url;
  const v3 = await readJsonDocument(store, joinPath(path, 'zarr.json'), url);
  if (v3) {
    if (v3.node_type === 'array') return 'zarr3';
    const attrs = (v3.attributes ?? {}) as Record<string, unknown>;
    const ome = attrs.ome as Record<string, unknown> | undefined;
    return Array.isArray(ome?.multiscales) || Array.isArray(attrs.multiscales) ? 'ome-zarr' : 'zarr-group';
  }
  if (await store.head(joinPath(path, '.zarray'))) return 'zarr2';
  const zattrs = await readJsonDocument(store, joinPath(path, '.zattrs'), url);
  if (zattrs && Array.isArray(zattrs.multiscales)) return 'ome-zarr';
  if (zattrs || (await store.head(joinPath(path, '.zgroup')))) return 'zarr-group';
  return undefined;
}

/** Options of {@link openZarr}. */
export interface OpenZarrOptions {
  /** Force the kind instead of detecting it. */
  format?: 'zarr2' | 'zarr3' | 'ome-zarr';
  /** OME-Zarr level: an index (0 = highest resolution, the default) or a dataset path. */
  level?: number | string;
  /** Decoded-chunk cache reads go through (default: the process-wide one). */
  cache?: ChunkCache;
  /** Store chunks that are entirely fill value instead of skipping them when writing (default false). */
  writeEmptyChunks?: boolean;
  /** Geometry of a plain array (default: unit spacing, zero origin). */
  geometry?: Geometry;
}

/**
 * Opens the Zarr array or OME-Zarr group at `path` below `store`'s root as a volume.
 * Throws VolumeNotFoundError when nothing is there, InvalidVolumeMetadataError for a group without
 * multiscales or a forced format that does not match.
 */
export async function openZarr(store: Store, path = '', options: OpenZarrOptions = {}): Promise<ZarrVolume> {
  installZarrCodecs();
  const cache = options.cache ?? defaultChunkCache;
  const url = path === '' ? store.url : `${store.url}/${path}`;
  const kind = await detectZarrNode(store, path);
  if (kind === undefined) {
    throw new VolumeNotFoundError(`no Zarr array or group at ${url} (no zarr.json, .zarray or .zgroup); check the path`, url);
  }
  if (options.format && options.format !== kind) {
    throw new InvalidVolumeMetadataError(`${url} holds ${describeKind(kind)}, not ${options.format}; drop the format option or fix the path`, url);
  }
  if (kind === 'zarr-group') {
    throw new InvalidVolumeMetadataError(`${url} is a Zarr group without NGFF multiscales; open one of its arrays (${url}/<name>)`, url);
  }
  const common = { cache, ...(options.writeEmptyChunks !== undefined ? { writeEmptyChunks: options.writeEmptyChunks } : {}) };
  if (kind === 'ome-zarr') {
    return openOmeZarrLevel(store, path, options.level ?? 0, common, await readNgff(store, path));
  }
  const meta = await readArrayMeta(store, path, url);
  if (!meta) throw new VolumeNotFoundError(`no Zarr array at ${url}; check the path`, url);
  return new ZarrVolume({ store, path, format: kind, meta, geometry: options.geometry ?? identityGeometry(), ...common });
}

function describeKind(kind: Exclude<ZarrNodeKind, undefined>): string {
  return { zarr2: 'a Zarr v2 array', zarr3: 'a Zarr v3 array', 'ome-zarr': 'an OME-Zarr multiscale group', 'zarr-group': 'a plain Zarr group' }[kind];
}
