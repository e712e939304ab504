/**
 * Writing an OME-Zarr multiscale group: one array per level ('0', '1', …; Zarr v2 for NGFF 0.4,
 * v3 with dimension_names for 0.5) and the group's NGFF metadata, validated by ome-ngff and written
 * after the arrays so the group only appears once it is complete.
 */
import {
  buildMultiscales,
  pyramidDatasets,
  readNgff,
  standardAxes,
  writeNgffAttributes,
  type Axis,
  type DatasetSpec,
  type ImageLabel,
  type Multiscale,
  type NgffVersion,
} from '@voxelflow/ome-ngff';
import type { Store } from '@voxelflow/remote-storage';
import { defaultChunkCache, type ChunkCache } from '../chunk-cache';
import { VolumeExistsError } from '../errors';
import { UnsupportedFormatError } from '../formats/errors';
import type { DType, ZarrCodec } from '../types';
import { createZarr, deleteTree } from './create-zarr';
import { joinPath } from './metadata';
import { groupAttributeTarget, openOmeZarrLevel } from './ome-group';
import { detectZarrNode } from './open-zarr';
import { ZarrVolume } from './zarr-volume';

/** Options of `createOmeZarr`. */
export interface CreateOmeZarrOptions {
  /** '0.4' writes Zarr v2 arrays and `.zattrs`; '0.5' Zarr v3 and `zarr.json`. */
  version: NgffVersion;
  /** Axes, or their letters ('zyx', 'czyx', 'tczyx'; x/y/z get `unit`). */
  axes: Axis[] | string;
  /** Unit of the space axes when `axes` is letters (e.g. 'micrometer'). */
  unit?: string;
  /** Level-0 shape in axis order. */
  shape: number[];
  /** Number of levels (default 1); each halves (or divides by `factor`) the space axes, rounding up. */
  levels?: number;
  /** Explicit shape of every level (overrides `shape`/`levels`). */
  shapes?: number[][];
  /** Downsampling factor between levels on space axes (default 2). */
  factor?: number;
  /** Element type of every level. */
  dtype: DType;
  /** Level-0 chunk shape; lower levels use it clipped to their shape. */
  chunkShape: number[];
  /** Default Blosc-zstd level 3 with shuffle. */
  codec?: ZarrCodec;
  /** Value of absent chunks (default 0). */
  fillValue?: number;
  /** Level-0 voxel size per axis (default 1). */
  scale?: number[];
  /** Level-0 position of voxel 0 per axis (default none). */
  translation?: number[];
  /** Explicit datasets (path, scale, translation) per level (overrides scale/translation/factor). */
  datasets?: DatasetSpec[];
  /** Whether a level's voxel is a block mean centred between level-0 voxels (default true; false for subsampling). */
  blockCentred?: boolean;
  /** Default 'image'. */
  name?: string;
  /** How lower levels are computed ('mean', 'mode'…); default 'unspecified' (strict NGFF validators want one). */
  type?: string;
  /** Default `{ writer: 'voxelflow' }` (strict NGFF validators want an object). */
  metadata?: Record<string, unknown>;
  /** Application attributes stored on the group beside the NGFF keys. */
  attributes?: Record<string, unknown>;
  /** Makes the group a label image. */
  imageLabel?: ImageLabel;
  /** Replace whatever is stored there (default false: levels of the same shape, dtype and chunks are reused; anything else is refused). */
  overwrite?: boolean;
  /** Decoded-chunk cache for reads of the levels (default: the process-wide one). */
  cache?: ChunkCache;
  /** Store chunks that are entirely fill value instead of skipping them (default false). */
  writeEmptyChunks?: boolean;
  /** Chunk key separator (default '/' for both versions, as ome-zarr writers do). */
  dimensionSeparator?: '.' | '/';
}

/** An OME-Zarr group opened or created by volume-io. */
export interface OmeZarr {
  /** Where the group lives (path or URL). */
  url: string;
  /** The store the group is read and written through. */
  store: Store;
  /** Group path below the store root. */
  path: string;
  /** NGFF version of the group. */
  version: NgffVersion;
  /** The group's (first) multiscale entry: axes, datasets and their transformations. */
  multiscale: Multiscale;
  /** One volume per level, highest resolution first. */
  levels: ZarrVolume[];
  /** Merges application attributes into the group's attributes (NGFF keys are kept). */
  setAttributes(attributes: Record<string, unknown>): Promise<void>;
}

/** Level shapes: space axes divided by `factor` per level, rounded up, at least 1. */
export function pyramidShapes(shape: readonly number[], axes: readonly Axis[], levels: number, factor = 2): number[][] {
  const out: number[][] = [[...shape]];
  for (let l = 1; l < levels; l++) {
    out.push(out[l - 1]!.map((s, i) => (axes[i]?.type === 'space' ? Math.max(1, Math.ceil(s / factor)) : s)));
  }
  return out;
}

/** Creates an OME-Zarr multiscale group at `path` below `store`; see {@link CreateOmeZarrOptions}. */
export async function createOmeZarrIn(store: Store, path: string, options: CreateOmeZarrOptions): Promise<OmeZarr> {
  const url = path === '' ? store.url : `${store.url}/${path}`;
  const axes = typeof options.axes === 'string' ? standardAxes(options.axes, options.unit) : options.axes;
  if (options.shape.length !== axes.length || options.chunkShape.length !== axes.length) {
    throw new UnsupportedFormatError(
      `cannot create ${url}: shape (${options.shape.join(', ')}) and chunkShape (${options.chunkShape.join(', ')}) need one entry per axis (${axes.map((a) => a.name).join(', ')})`,
      url,
    );
  }
  const factor = options.factor ?? 2;
  const shapes = options.shapes ?? pyramidShapes(options.shape, axes, options.levels ?? 1, factor);
  const datasets =
    options.datasets ??
    pyramidDatasets({
      axes,
      levels: shapes.length,
      scale: options.scale ?? axes.map(() => 1),
      factor,
      ...(options.translation ? { translation: options.translation } : {}),
      ...(options.blockCentred !== undefined ? { blockCentred: options.blockCentred } : {}),
    });
  if (datasets.length !== shapes.length) {
    throw new UnsupportedFormatError(`cannot create ${url}: ${datasets.length} datasets for ${shapes.length} level shapes`, url);
  }
  // Validates everything (units, transformation lengths, order) before anything is written.
  const multiscale = buildMultiscales({
    version: options.version,
    axes,
    datasets,
    name: options.name ?? 'image',
    type: options.type ?? 'unspecified',
    metadata: options.metadata ?? { writer: 'voxelflow' },
  });

  const cache = options.cache ?? defaultChunkCache;
  const existing = await detectZarrNode(store, path);
  if (existing !== undefined) {
    if (options.overwrite) {
      await deleteTree(store, path);
      cache.deletePrefix(`${store.url}|${path}`);
    } else if (existing !== 'ome-zarr') {
      throw new VolumeExistsError(`${url} already holds a Zarr ${existing === 'zarr-group' ? 'group' : 'array'}, not an OME-Zarr; pass overwrite: true to replace it`, url);
    }
  }
  const format = options.version === '0.4' ? 'zarr2' : 'zarr3';
  const levels: ZarrVolume[] = [];
  for (let l = 0; l < shapes.length; l++) {
    const shape = shapes[l]!;
    // createZarr refuses (without overwrite) an existing level of another shape/dtype/chunks.
    levels.push(
      await createZarr(
        store,
        joinPath(path, datasets[l]!.path),
        {
          format,
          shape,
          dtype: options.dtype,
          chunkShape: options.chunkShape.map((c, i) => Math.min(c, Math.max(1, shape[i]!))),
          ...(options.codec ? { codec: options.codec } : {}),
          ...(options.fillValue !== undefined ? { fillValue: options.fillValue } : {}),
          dimensionSeparator: options.dimensionSeparator ?? '/',
          ...(options.version === '0.5' ? { dimensionNames: axes.map((a) => a.name) } : {}),
          cache,
          ...(options.writeEmptyChunks !== undefined ? { writeEmptyChunks: options.writeEmptyChunks } : {}),
        },
        'ome-zarr',
      ),
    );
  }
  await writeNgffAttributes(
    store,
    path,
    { multiscales: [multiscale], ...(options.imageLabel ? { imageLabel: options.imageLabel } : {}) },
    options.version,
    { ...(options.attributes ? { otherAttributes: options.attributes } : {}), replace: true },
  );
  return omeZarrHandle(store, path, options.version, cache, options.writeEmptyChunks);
}

/** Opens every level of the OME-Zarr group at `path` below `store`. */
export async function omeZarrHandle(store: Store, path: string, versionHint: NgffVersion | undefined, cache: ChunkCache, writeEmptyChunks?: boolean): Promise<OmeZarr> {
  const url = path === '' ? store.url : `${store.url}/${path}`;
  const group = await readNgff(store, path);
  const multiscale = group.multiscales[0];
  if (!multiscale) throw new VolumeExistsError(`${url} has no NGFF multiscales`, url);
  const opts = { cache, ...(writeEmptyChunks !== undefined ? { writeEmptyChunks } : {}) };
  const levels = await Promise.all(multiscale.datasets.map((_, i) => openOmeZarrLevel(store, path, i, opts, group)));
  const handle: OmeZarr = {
    url,
    store,
    path,
    version: group.version ?? versionHint ?? (group.zarrFormat === 2 ? '0.4' : '0.5'),
    multiscale,
    levels,
    async setAttributes(attributes) {
      await groupAttributeTarget(store, path, group.zarrFormat, (merged) => {
        for (const v of levels) v.attributes = merged;
      }).write(attributes);
    },
  };
  return handle;
}

