/**
 * Whole-volume intensity statistics for `global_zscore` (nnU-Net's z-score is over the whole image):
 * one streaming pass over z-slabs of whole chunks, so memory stays at one slab. Results are cached as
 * JSON beside the run's output, keyed by the input, so reruns and other parts do not read it again.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RunningStats } from '@voxelflow/normalization';
import { openStore } from '@voxelflow/remote-storage';
import { float16ToFloat32, type Volume } from '@voxelflow/volume-io';
import { AbortedError } from './errors';

/** Intensity statistics over every voxel of a volume. */
export interface VolumeStatistics {
  /** Mean intensity. */
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Smallest intensity. */
  min: number;
  /** Largest intensity. */
  max: number;
  /** Voxels counted. */
  count: number;
}

/** Mean, std, min and max over every voxel of `volume` (all channels together). */
export async function computeVolumeStatistics(volume: Volume, signal?: AbortSignal): Promise<VolumeStatistics> {
  const stats = new RunningStats();
  const spatialAxis = volume.shape.length - 3;
  const slab = Math.max(1, volume.chunkShape[spatialAxis] ?? 1);
  const depth = volume.shape[spatialAxis]!;
  let f32: Float32Array | undefined;
  for (let z = 0; z < depth; z += slab) {
    if (signal?.aborted) throw new AbortedError('cancelled while computing the volume statistics; rerun to resume');
    const start = volume.shape.map(() => 0);
    const stop = [...volume.shape];
    start[spatialAxis] = z;
    stop[spatialAxis] = Math.min(depth, z + slab);
    const nd = await volume.read({ start, stop });
    if (volume.dtype === 'float16') {
      f32 = float16ToFloat32(nd.data as Uint16Array, f32 && f32.length === nd.data.length ? f32 : undefined);
      stats.add(f32);
    } else {
      stats.add(nd.data);
    }
  }
  return { mean: stats.mean, std: stats.std, min: stats.min, max: stats.max, count: stats.count };
}

/** The user's cache folder for VoxelFlow ($XDG_CACHE_HOME/voxelflow or ~/.cache/voxelflow). */
export function voxelflowCacheDir(): string {
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'voxelflow');
}

/**
 * Statistics of `volume`, read from the cache when they were computed for the same input (url, shape,
 * dtype), else computed and cached: as `<cacheDir>/input_statistics.json` when a folder is given, else
 * in the user's cache folder under a hash of the input URL.
 */
export async function cachedVolumeStatistics(volume: Volume, cacheDir?: string, signal?: AbortSignal): Promise<VolumeStatistics> {
  const key = { url: volume.url, shape: volume.shape, dtype: volume.dtype };
  const store = await openStore(cacheDir ?? join(voxelflowCacheDir(), 'statistics'));
  const file = cacheDir ? 'input_statistics.json' : `${createHash('sha1').update(volume.url).digest('hex')}.json`;
  const bytes = await store.get(file).catch(() => undefined);
  if (bytes) {
    try {
      const cached = JSON.parse(new TextDecoder().decode(bytes)) as { key: unknown; statistics: VolumeStatistics };
      if (JSON.stringify(cached.key) === JSON.stringify(key)) return cached.statistics;
    } catch {
      // A damaged cache file is recomputed and replaced.
    }
  }
  const statistics = await computeVolumeStatistics(volume, signal);
  await store.set(file, new TextEncoder().encode(`${JSON.stringify({ key, statistics }, null, 2)}\n`));
  return statistics;
}

