/**
 * The partial accumulators of one inference partition in `ZARR_OUTPUT_DIR`: `mask_pred_part_NNN.zarr`
 * (Σ w·p) and `mask_count_part_NNN.zarr` (Σ w), each a Zarr v2 float32 array of the whole image (H, W)
 * in which only the partition's band of rows is stored (absent chunks read as 0). The count array's
 * attributes hold the partition's record; `complete: true` is written last, so `reduce` can tell a
 * finished partition from one that died half-way, and a rerun can skip a partition that is done.
 */
import { createHash } from 'node:crypto';
import { openStore } from '@voxelflow/remote-storage';
import { ChunkCache, createVolume, detectZarrNode, openZarr, type ZarrVolume } from '@voxelflow/volume-io';
import { countPartName, joinUrl, predPartName } from './locations';
import { INK_ATTRIBUTE, zarrCodec } from './surface-volume';

/** What a partition records about itself. */
export interface PartitionRecord {
  complete: boolean;
  partId: number;
  numParts: number;
  /** Image size. */
  height: number;
  width: number;
  /** Image rows of the band this partition accumulated, `[yStart, yStop)`. */
  yStart: number;
  yStop: number;
  /** Hash of everything that makes partitions of one run compatible (same for every part of a run). */
  runKey: string;
  /** The settings behind `runKey`, for people reading the attributes. */
  run: PartitionRunSettings;
  /** Filled in when complete: tiles run, empty tiles skipped, model calls, wall time of the step and the part of it in the model. */
  stats?: { tiles: number; skippedTiles: number; batches: number; seconds: number; modelSeconds: number; tilesPerSecond: number };
}

/** The settings that must agree between the partitions of one run. */
export interface PartitionRunSettings {
  model: { label: string; source: string; sha256: string; modelType: string };
  startLayer: number;
  endLayer: number;
  surfaceVolume: string;
  /** Run id of the surface volume (undefined for volumes written by other tools). */
  surfaceVolumeRunId: string | undefined;
  tileSize: number;
  stride: number;
  numParts: number;
  normalization: unknown;
  activation: string;
  forceReverse: boolean;
  blend: string;
  upsample: string;
}

/** A stable hash of the run settings. */
export function runKeyOf(settings: PartitionRunSettings): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

/** The two accumulator arrays of one partition. */
export interface PartitionArrays {
  pred: ZarrVolume;
  count: ZarrVolume;
}

/** Reads a partition's record, or undefined when its count array does not exist. */
export async function readPartitionRecord(dir: string, partId: number, cache: ChunkCache): Promise<PartitionRecord | undefined> {
  const store = await openStore(joinUrl(dir, countPartName(partId)));
  if ((await detectZarrNode(store, '')) === undefined) return undefined;
  const volume = await openZarr(store, '', { cache });
  const r = volume.attributes[INK_ATTRIBUTE];
  return r !== null && typeof r === 'object' ? (r as PartitionRecord) : undefined;
}

/** Opens both arrays of a partition for reading. */
export async function openPartition(dir: string, partId: number, cache: ChunkCache): Promise<PartitionArrays> {
  const [pred, count] = await Promise.all(
    [predPartName(partId), countPartName(partId)].map(async (name) => openZarr(await openStore(joinUrl(dir, name)), '', { cache })),
  );
  return { pred: pred!, count: count! };
}

/** Creates (replacing) both arrays of a partition with chunks of `chunk` (clipped to the image), the record marked incomplete. */
export async function createPartition(dir: string, record: PartitionRecord, chunk: number, compress: boolean, cache: ChunkCache): Promise<PartitionArrays> {
  const common = {
    format: 'zarr2' as const,
    shape: [record.height, record.width],
    dtype: 'float32' as const,
    chunkShape: [Math.min(chunk, Math.max(1, record.height)), Math.min(chunk, Math.max(1, record.width))],
    codec: zarrCodec(compress),
    dimensionNames: ['y', 'x'],
    overwrite: true,
    cache,
  };
  // The count array carries the record and is created last, so an existing pred array alone means nothing.
  const pred = await createVolume(joinUrl(dir, predPartName(record.partId)), { ...common, attributes: { [INK_ATTRIBUTE]: { what: 'sum of w·p', partId: record.partId } } });
  const count = await createVolume(joinUrl(dir, countPartName(record.partId)), { ...common, attributes: { [INK_ATTRIBUTE]: { ...record, complete: false } } });
  return { pred, count };
}

/** Marks a partition complete (written after its last rows). */
export async function completePartition(arrays: PartitionArrays, record: PartitionRecord): Promise<void> {
  await arrays.count.setAttributes({ [INK_ATTRIBUTE]: { ...record, complete: true } });
}
