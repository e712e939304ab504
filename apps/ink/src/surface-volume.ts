/**
 * The surface volume: the layers `[START_LAYER, END_LAYER)` of a segment as one Zarr v2 array
 * (H, W, C) uint8 with chunks (k, k, 1) — one chunk column per layer plane, as the reference container
 * lays it out, so `prepare` holds one layer at a time. 16-bit layers are scaled by round(v / 257)
 * (the reference clips them at 255, which saturates every papyrus pixel). The array's attributes carry
 * a completion marker written last and a run id that the partitions record, so inference refuses a
 * half-written volume and a re-prepared volume invalidates old partitions.
 */
import { randomUUID } from 'node:crypto';
import { openStore } from '@voxelflow/remote-storage';
import { ChunkCache, createVolume, detectZarrNode, openLayerFolder, openZarr, type Volume, type ZarrCodec } from '@voxelflow/volume-io';
import type { InkConfig } from './config';
import { ChannelMismatchError, SurfaceVolumeError } from './errors';

/** Attribute key under which the container records its own facts in the Zarrs it writes. */
export const INK_ATTRIBUTE = 'voxelflow_ink';

/** What `prepare` records in the surface volume's attributes. */
export interface SurfaceVolumeRecord {
  complete: boolean;
  /** Changes every time the volume is written. */
  runId: string;
  /** The segment prefix the layers came from. */
  source: string;
  startLayer: number;
  endLayer: number;
  /** (H, W, C). */
  shape: number[];
  /** The layers' dtype before conversion to uint8. */
  sourceDType?: string;
}

/** A surface volume opened for inference: the array and which of its layers to feed. */
export interface SurfaceVolume {
  volume: Volume;
  /** Image height and width. */
  height: number;
  width: number;
  /** First layer of the array's last axis to use, and how many. */
  layerStart: number;
  layers: number;
  /** The record of the run that wrote it (undefined for arrays written by other tools). */
  record: SurfaceVolumeRecord | undefined;
}

/** Codec of the Zarrs the container writes: Blosc-LZ4 when USE_ZARR_COMPRESSION, else none. */
export function zarrCodec(compress: boolean): ZarrCodec {
  return compress ? { name: 'blosc', cname: 'lz4', clevel: 5, shuffle: 'shuffle' } : { name: 'none' };
}

/** Progress of `prepare`: layers written so far. */
export type PrepareProgress = (done: number, total: number) => void;

/**
 * Writes the surface volume of `config` (layers `[START_LAYER, END_LAYER)` of `S3_PATH`) to
 * `SURFACE_VOLUME_ZARR`, replacing whatever was there. Throws the layer folder's `NoLayersFoundError`
 * ("No layers found in … for [START, END): …") when any layer of the range is missing.
 */
export async function prepareSurfaceVolume(config: InkConfig, onProgress?: PrepareProgress): Promise<SurfaceVolumeRecord> {
  const layers = await openLayerFolder(config.s3Path, { start: config.startLayer, end: config.endLayer, cacheBytes: 0 });
  const [count, height, width] = layers.shape as [number, number, number];
  const shape = [height, width, count];
  const cache = new ChunkCache({ maxBytes: 16 * 1024 * 1024 });
  const record: SurfaceVolumeRecord = {
    complete: false,
    runId: randomUUID(),
    source: config.s3Path,
    startLayer: config.startLayer,
    endLayer: config.endLayer,
    shape,
  };
  const volume = await createVolume(config.surfaceVolumeZarr, {
    format: 'zarr2',
    shape,
    dtype: 'uint8',
    chunkShape: [Math.min(config.chunkSize, height), Math.min(config.chunkSize, width), 1],
    codec: zarrCodec(config.useZarrCompression),
    dimensionNames: ['y', 'x', 'layer'],
    attributes: { [INK_ATTRIBUTE]: record },
    overwrite: true,
    cache,
  });
  let done = 0;
  let next = 0;
  // A few layers in flight: each is one whole decoded plane, so memory stays a few planes.
  const worker = async (): Promise<void> => {
    while (next < count) {
      const l = next++;
      const plane = await layers.read({ start: [l, 0, 0], stop: [l + 1, height, width] });
      await volume.write({ start: [0, 0, l], stop: [height, width, l + 1] }, { data: plane.data, shape: [height, width, 1], dtype: 'uint8' });
      onProgress?.(++done, count);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
  const finished: SurfaceVolumeRecord = { ...record, complete: true };
  await volume.setAttributes({ [INK_ATTRIBUTE]: finished });
  return finished;
}

function readRecord(attributes: Record<string, unknown>): SurfaceVolumeRecord | undefined {
  const r = attributes[INK_ATTRIBUTE];
  return r !== null && typeof r === 'object' ? (r as SurfaceVolumeRecord) : undefined;
}

/**
 * Opens `SURFACE_VOLUME_ZARR` for inference and picks the layers to feed: all of a volume `prepare`
 * wrote for the same range; for a volume from another tool, all of them when it has
 * END_LAYER − START_LAYER layers, else layers `[START_LAYER, END_LAYER)` of it.
 */
export async function openSurfaceVolume(config: InkConfig, cache: ChunkCache): Promise<SurfaceVolume> {
  const url = config.surfaceVolumeZarr;
  const store = await openStore(url);
  const kind = await detectZarrNode(store, '');
  if (kind === undefined) {
    throw new SurfaceVolumeError(`surface volume SURFACE_VOLUME_ZARR=${url} does not exist; run STEP=prepare first with the same SURFACE_VOLUME_ZARR`);
  }
  const volume = await openZarr(store, '', { cache });
  if (volume.shape.length !== 3 || volume.dtype !== 'uint8') {
    throw new SurfaceVolumeError(
      `surface volume ${url} is ${volume.dtype} of shape (${volume.shape.join(', ')}); the ink pipeline reads (H, W, layers) uint8 as STEP=prepare writes it`,
    );
  }
  const [height, width, depth] = volume.shape as [number, number, number];
  const record = readRecord(volume.attributes);
  const wanted = config.endLayer - config.startLayer;
  if (record !== undefined) {
    if (!record.complete) {
      throw new SurfaceVolumeError(`surface volume ${url} is incomplete (its prepare step did not finish); rerun STEP=prepare`);
    }
    if (record.startLayer !== config.startLayer || record.endLayer !== config.endLayer) {
      throw new SurfaceVolumeError(
        `surface volume ${url} holds layers ${record.startLayer} … ${record.endLayer}, not START_LAYER=${config.startLayer} … END_LAYER=${config.endLayer}; rerun STEP=prepare or point SURFACE_VOLUME_ZARR at the right volume`,
      );
    }
    return { volume, height, width, layerStart: 0, layers: depth, record };
  }
  if (depth === wanted) return { volume, height, width, layerStart: 0, layers: depth, record };
  if (depth >= config.endLayer) return { volume, height, width, layerStart: config.startLayer, layers: wanted, record };
  throw new ChannelMismatchError(
    `Channel mismatch: surface volume ${url} has ${depth} layers, fewer than END_LAYER=${config.endLayer} and not END_LAYER − START_LAYER = ${wanted}; rerun STEP=prepare for this range`,
    depth,
    wanted,
  );
}
