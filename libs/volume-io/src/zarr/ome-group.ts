/**
 * OME-Zarr groups on the volume side: open a multiscale group's levels as volumes, and keep the
 * group's application attributes (run configuration…) beside its NGFF metadata.
 */
import { readNgff, type Multiscale, type NgffGroup } from '@voxelflow/ome-ngff';
import type { Store } from '@voxelflow/remote-storage';
import type { ChunkCache } from '../chunk-cache';
import { InvalidVolumeMetadataError, VolumeNotFoundError } from '../errors';
import { geometryFromNgff } from '../ngff-geometry';
import { jsonBytes, joinPath, readArrayMeta, readJsonDocument } from './metadata';
import { ZarrVolume, type AttributeTarget } from './zarr-volume';

/** Options shared by the Zarr openers. */
export interface ZarrOpenOptions {
  /** Decoded-chunk cache (default: `defaultChunkCache`). */
  cache: ChunkCache;
  /** Store chunks that are all fill value (default false: skip and delete them). */
  writeEmptyChunks?: boolean;
}

/** Merges `attributes` into the attributes of the group at `path`, keeping its NGFF keys. */
export function groupAttributeTarget(store: Store, path: string, zarrFormat: 2 | 3, onWrite: (a: Record<string, unknown>) => void): AttributeTarget {
  return {
    async write(attributes) {
      const url = store.url;
      if (zarrFormat === 2) {
        const current = (await readJsonDocument(store, joinPath(path, '.zattrs'), url)) ?? {};
        const merged = { ...current, ...attributes };
        await store.set(joinPath(path, '.zattrs'), jsonBytes(merged));
        onWrite(merged);
      } else {
        const doc = (await readJsonDocument(store, joinPath(path, 'zarr.json'), url)) ?? { zarr_format: 3, node_type: 'group' };
        const merged = { ...((doc.attributes as Record<string, unknown>) ?? {}), ...attributes };
        await store.set(joinPath(path, 'zarr.json'), jsonBytes({ ...doc, attributes: merged }));
        onWrite(merged);
      }
    },
  };
}

/** The index of `level` (an index, or a dataset path) in `multiscale`, or a typed error listing the levels. */
export function levelIndex(multiscale: Multiscale, level: number | string, url: string): number {
  const paths = multiscale.datasets.map((d) => d.path);
  const i = typeof level === 'number' ? level : paths.indexOf(level.replace(/^\/+|\/+$/g, ''));
  if (!Number.isInteger(i) || i < 0 || i >= paths.length) {
    throw new InvalidVolumeMetadataError(
      `${url} has no level ${JSON.stringify(level)}; its levels are ${paths.map((p, k) => `${k} ('${p}')`).join(', ')}`,
      url,
    );
  }
  return i;
}

/** Opens dataset `level` of the OME-Zarr group at `path` (read from `group` when already read). */
export async function openOmeZarrLevel(
  store: Store,
  path: string,
  level: number | string,
  options: ZarrOpenOptions,
  group?: NgffGroup,
): Promise<ZarrVolume> {
  const url = path === '' ? store.url : `${store.url}/${path}`;
  const g = group ?? (await readNgff(store, path));
  const multiscale = g.multiscales[0];
  if (!multiscale) throw new InvalidVolumeMetadataError(`${url} is a Zarr group without NGFF multiscales; open one of its arrays instead`, url);
  const i = levelIndex(multiscale, level, url);
  const arrayPath = joinPath(path, multiscale.datasets[i]!.path.replace(/^\/+|\/+$/g, ''));
  const meta = await readArrayMeta(store, arrayPath, url);
  if (!meta) {
    throw new VolumeNotFoundError(`level ${i} ('${multiscale.datasets[i]!.path}') of ${url} has no array metadata; re-write the OME-Zarr`, url);
  }
  const volume: ZarrVolume = new ZarrVolume({
    store,
    path: arrayPath,
    format: 'ome-zarr',
    meta,
    geometry: geometryFromNgff(multiscale, i),
    cache: options.cache,
    attributes: g.attributes,
    attributeTarget: groupAttributeTarget(store, path, g.zarrFormat, (merged) => (volume.attributes = merged)),
    ...(options.writeEmptyChunks !== undefined ? { writeEmptyChunks: options.writeEmptyChunks } : {}),
  });
  return volume;
}
