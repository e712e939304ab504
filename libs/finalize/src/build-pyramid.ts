/**
 * Pyramid levels 1, 2, … of a finalize output, each computed from the level above (a cascade), one
 * output chunk at a time: read the 2×2×2 block of source chunks, downsample each channel with its
 * method (mean for probabilities, max or mode for masks, mode for the argmax channel), and store the
 * result unless it is all zero. Output chunks whose source chunks are all absent (all zero) are
 * skipped without reading. Memory: one source block and one output chunk per running task.
 */
import type { TypedArray, ZarrVolume } from '@voxelflow/volume-io';
import { gridIndices } from './chunk-set';
import { downsampleMax } from './downsample-max';
import { downsampleMean } from './downsample-mean';
import { downsampleMode } from './downsample-mode';
import type { NumericArray } from './downsample-shape';
import type { DownsampleMethod } from './finalize-spec';
import { PhaseProgress, type FinalizeProgressCallback } from './progress';
import { runLimited } from './run-limited';

/** Inputs of {@link buildPyramid}. */
export interface BuildPyramidOptions {
  /** Level arrays, level 0 first (already written). */
  levels: readonly ZarrVolume[];
  /** Whether the arrays have a leading channel axis. */
  hasChannelAxis: boolean;
  /** Method of each output channel (one entry when there is no channel axis). */
  methods: readonly DownsampleMethod[];
  /** Chunk tasks in flight (default 2). */
  concurrency?: number;
  /** Cancels the pass with the signal's reason. */
  signal?: AbortSignal;
  /** Progress of phase 'pyramid', in channel chunks. */
  onProgress?: FinalizeProgressCallback;
  /** Minimum milliseconds between progress events (default 250). */
  progressIntervalMs?: number;
}

/** Counts of {@link buildPyramid}. */
export interface PyramidCounts {
  /** Channel chunks stored, over all levels ≥ 1. */
  chunksWritten: number;
  /** Channel chunks skipped: sources absent, or the result all zero. */
  chunksSkipped: number;
  /** Wall time of the pass. */
  seconds: number;
}

function isAllZero(a: NumericArray): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

/** Builds levels 1… of `levels` from level 0; see the module comment. */
export async function buildPyramid(options: BuildPyramidOptions): Promise<PyramidCounts> {
  const { levels, hasChannelAxis, methods } = options;
  const spatial = (v: ZarrVolume): number[] => [...v.shape].slice(hasChannelAxis ? 1 : 0);
  const spatialChunks = (v: ZarrVolume): number[] => [...v.chunkShape].slice(hasChannelAxis ? 1 : 0);
  let total = 0;
  for (let k = 1; k < levels.length; k++) {
    const grid = spatial(levels[k]!).map((s, a) => Math.ceil(s / spatialChunks(levels[k]!)[a]!));
    total += grid.reduce((x, y) => x * y, 1) * methods.length;
  }
  const progress = new PhaseProgress('pyramid', total, 'chunks', options.onProgress, options.progressIntervalMs);
  const counts: PyramidCounts = { chunksWritten: 0, chunksSkipped: 0, seconds: 0 };
  for (let k = 1; k < levels.length; k++) {
    const src = levels[k - 1]!;
    const dst = levels[k]!;
    const srcShape = spatial(src);
    const srcChunk = spatialChunks(src);
    const dstShape = spatial(dst);
    const dstChunk = spatialChunks(dst);
    const grid = dstShape.map((s, a) => Math.ceil(s / dstChunk[a]!));
    const tasks = (function* () {
      for (let c = 0; c < methods.length; c++) for (const index of gridIndices(grid)) yield { c, index };
    })();
    await runLimited(
      tasks,
      options.concurrency ?? 2,
      async ({ c, index }) => {
        const start = index.map((j, a) => j * dstChunk[a]!);
        const stop = start.map((s, a) => Math.min(s + dstChunk[a]!, dstShape[a]!));
        const sStart = start.map((s) => 2 * s);
        const sStop = stop.map((s, a) => Math.min(2 * s, srcShape[a]!));
        const prefixStart = hasChannelAxis ? [c] : [];
        const prefixStop = hasChannelAxis ? [c + 1] : [];
        const outShape = stop.map((s, a) => s - start[a]!);
        const dstBox = { start: [...prefixStart, ...start], stop: [...prefixStop, ...stop] };
        const dstDataShape = [...(hasChannelAxis ? [1] : []), ...outShape];
        // A chunk left by an interrupted earlier pyramid pass is removed when the result is empty.
        const clearStale = async (): Promise<void> => {
          const coords = [...(hasChannelAxis ? [Math.floor(c / dst.chunkShape[0]!)] : []), ...index];
          if (await dst.hasChunk(coords)) {
            const zeros = new (dst.dtype === 'float32' ? Float32Array : Uint8Array)(outShape.reduce((x, y) => x * y, 1));
            await dst.write(dstBox, { data: zeros, shape: dstDataShape, dtype: dst.dtype });
          }
          counts.chunksSkipped++;
          progress.advance(1, 1);
        };
        if (!(await anySourceChunk(src, hasChannelAxis, c, sStart, sStop, srcChunk))) {
          await clearStale();
          return;
        }
        const block = await src.read({ start: [...prefixStart, ...sStart], stop: [...prefixStop, ...sStop] });
        const blockShape = sStop.map((s, a) => s - sStart[a]!);
        const data = block.data as NumericArray;
        const method = methods[c]!;
        const out =
          method === 'mean' ? downsampleMean(data, blockShape) : method === 'max' ? downsampleMax(data, blockShape) : downsampleMode(data, blockShape);
        if (isAllZero(out)) {
          await clearStale();
          return;
        }
        await dst.write(dstBox, { data: out as TypedArray, shape: dstDataShape, dtype: dst.dtype });
        counts.chunksWritten++;
        progress.advance(1);
      },
      options.signal,
    );
  }
  progress.emit(true);
  counts.seconds = progress.elapsedSeconds;
  return counts;
}

/** Whether any stored chunk of `volume` (channel `c`) intersects the spatial box. */
async function anySourceChunk(
  volume: ZarrVolume,
  hasChannelAxis: boolean,
  c: number,
  start: readonly number[],
  stop: readonly number[],
  chunk: readonly number[],
): Promise<boolean> {
  const lo = start.map((s, a) => Math.floor(s / chunk[a]!));
  const hi = stop.map((s, a) => Math.floor((s - 1) / chunk[a]!));
  const cChunk = hasChannelAxis ? Math.floor(c / volume.chunkShape[0]!) : 0;
  for (let z = lo[0]!; z <= hi[0]!; z++) {
    for (let y = lo[1]!; y <= hi[1]!; y++) {
      for (let x = lo[2]!; x <= hi[2]!; x++) {
        if (await volume.hasChunk(hasChannelAxis ? [cChunk, z, y, x] : [z, y, x])) return true;
      }
    }
  }
  return false;
}
