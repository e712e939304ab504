/**
 * Reading and writing the uint8 label volumes copick calls segmentations: one OME-Zarr level '0'
 * (z, y, x in Å, scale = voxel size), NGFF 0.4 on Zarr v2 (copick 1.x) or 0.5 on Zarr v3 (copick 2).
 * The group metadata is written after the voxels, so a reader never finds a complete-looking group
 * whose chunks are still being written.
 */
import { buildMultiscales, standardAxes, writeNgffAttributes, type NgffVersion } from '@voxelflow/ome-ngff';
import { openStore } from '@voxelflow/remote-storage';
import { ChunkCache, createVolume, openVolume, type Volume, type ZarrCodec } from '@voxelflow/volume-io';
import { joinUrl } from './copick-roots';
import { SegmentationError } from './errors';

/** A dense (z, y, x) uint8 label volume with its voxel size in Å. */
export interface LabelVolume {
  /** One label per voxel in (z, y, x) order, x fastest; 0 is background. */
  data: Uint8Array;
  /** (z, y, x) in voxels. */
  shape: [number, number, number];
  /** Voxel size in Å (from the NGFF scale of level 0, x axis). */
  voxelSize: number;
  /** Where it was read from. */
  url: string;
}

/** Options of {@link writeLabelVolume}. */
export interface WriteLabelVolumeOptions {
  /** One label per voxel in (z, y, x) order, x fastest; its length must be the product of `shape`. */
  data: Uint8Array;
  /** (z, y, x) in voxels. */
  shape: readonly [number, number, number];
  /** Voxel size in Å, written as the level-0 scale of every axis. */
  voxelSize: number;
  /** '0.4' (Zarr v2, copick 1.x; default) or '0.5' (Zarr v3, copick 2). */
  ngffVersion?: NgffVersion;
  /** Chunk shape (default 256³ for 0.4 as copick 1.x writes, 128³ for 0.5), clipped to the shape. */
  chunkShape?: readonly [number, number, number];
  /** Multiscale name in the NGFF metadata. */
  name?: string;
}

/** Opens level 0 (the highest resolution, resolved through the NGFF metadata) of the label volume at `url`. */
export async function openLabelVolume(url: string, cache?: ChunkCache): Promise<Volume> {
  try {
    return await openVolume(url, { level: 0, ...(cache ? { cache } : {}) });
  } catch (err) {
    throw new SegmentationError(`cannot open the segmentation at ${url}: ${(err as Error).message}`, url);
  }
}

/** Reads the whole label volume at `url` as uint8 (other integer dtypes are accepted when every value fits). */
export async function readLabelVolume(url: string): Promise<LabelVolume> {
  // Read once, whole: caching its chunks would only hold a second copy of the volume.
  const volume = await openLabelVolume(url, new ChunkCache({ maxBytes: 0 }));
  if (volume.shape.length !== 3) {
    throw new SegmentationError(`segmentation ${url} has ${volume.shape.length} axes (${volume.shape.join('×')}); a label map has 3 (z, y, x)`, url);
  }
  if (volume.dtype.startsWith('float')) {
    throw new SegmentationError(`segmentation ${url} is ${volume.dtype}; a label map holds integers (write it as uint8)`, url);
  }
  const shape = [volume.shape[0]!, volume.shape[1]!, volume.shape[2]!] as [number, number, number];
  const nd = await volume.read({ start: [0, 0, 0], stop: shape });
  let data: Uint8Array;
  if (nd.data instanceof Uint8Array) {
    data = nd.data;
  } else {
    const src = nd.data;
    data = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      if (v < 0 || v > 255) throw new SegmentationError(`segmentation ${url} holds the label ${v}; labels must be 0–255`, url);
      data[i] = v;
    }
  }
  return { data, shape, voxelSize: volume.geometry.spacing[0], url };
}

/** Writes `data` as a one-level uint8 OME-Zarr at `url`, replacing what is there. Returns `url`. */
export async function writeLabelVolume(url: string, options: WriteLabelVolumeOptions): Promise<string> {
  const { data, shape, voxelSize } = options;
  const version = options.ngffVersion ?? '0.4';
  if (data.length !== shape[0] * shape[1] * shape[2]) {
    throw new SegmentationError(`cannot write ${url}: ${data.length} voxels do not fill the shape ${shape.join('×')}`, url);
  }
  if (!(voxelSize > 0)) throw new SegmentationError(`cannot write ${url}: voxel size ${voxelSize} is not positive`, url);
  const store = await openStore(url);
  // Stale levels or chunks of an earlier write must not survive under the new metadata.
  for (const key of await store.list()) await store.delete(key);

  const chunk = options.chunkShape ?? (version === '0.4' ? [256, 256, 256] : [128, 128, 128]);
  const codec: ZarrCodec = version === '0.4' ? { name: 'blosc', cname: 'lz4', clevel: 5, shuffle: 'shuffle' } : { name: 'zstd', level: 3 };
  const level = await createVolume(joinUrl(url, '0'), {
    format: version === '0.4' ? 'zarr2' : 'zarr3',
    shape: [...shape],
    dtype: 'uint8',
    chunkShape: chunk.map((c, i) => Math.max(1, Math.min(c, shape[i]!))),
    codec,
    dimensionSeparator: '/',
    ...(version === '0.5' ? { dimensionNames: ['z', 'y', 'x'] } : {}),
    overwrite: true,
  });
  await level.write({ start: [0, 0, 0], stop: [...shape] }, { data, shape: [...shape], dtype: 'uint8' });
  await level.close();
  const multiscale = buildMultiscales({
    version,
    axes: standardAxes('zyx', 'angstrom'),
    datasets: [{ path: '0', scale: [voxelSize, voxelSize, voxelSize] }],
    ...(options.name !== undefined ? { name: options.name } : {}),
    type: 'nearest',
  });
  await writeNgffAttributes(store, '', { multiscales: [multiscale] }, version, { replace: true });
  return url;
}
