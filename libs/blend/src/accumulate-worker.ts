/**
 * Piscina worker: decodes stored patch logits and runs the accumulation kernel, both on shared memory.
 * The tasks carry views of SharedArrayBuffers, so no voxels are copied; the pool guarantees one
 * accumulation task per chunk at a time.
 */
import { ChunkCache, float16ToFloat32, openVolume, type Volume } from '@voxelflow/volume-io';
import { accumulatePatchIntoChunk } from './accumulate-kernel';

/**
 * One patch-into-chunk accumulation, as sent to a worker. The arrays live on SharedArrayBuffers, so
 * the task carries no voxel data.
 */
export interface AccumulateTask {
  /** The chunk's Σ w·logits, [C, cz, cy, cx]; updated in place. */
  sum: Float32Array;
  /** The chunk's Σ w, [cz, cy, cx]; updated in place. */
  weight: Float32Array;
  /** Global voxel start of the chunk. */
  chunkStart: number[];
  /** The chunk's clipped spatial shape. */
  chunkShape: number[];
  /** The patch's logits, [C, pz, py, px]. */
  logits: Float32Array;
  /** Global voxel start of the patch. */
  patchStart: number[];
  /** Patch spatial size. */
  patchSize: number[];
  /** The patch-sized importance map. */
  weights: Float32Array;
  /** Logit channels C. */
  channels: number;
}

export default function accumulate(task: AccumulateTask): number {
  return accumulatePatchIntoChunk(
    { sum: task.sum, weight: task.weight, start: task.chunkStart, shape: task.chunkShape },
    { logits: task.logits, start: task.patchStart, size: task.patchSize },
    task.weights,
    task.channels,
  );
}

/**
 * One stored float16 patch to decode into a shared float32 buffer. Decoding the stored logits, not the
 * accumulation, is most of a blend's work, so it runs in the workers too.
 */
export interface DecodePatchTask {
  /** The Zarr array of patch logits (N, C, pz, py, px), float16 (a `logits_part_{id}.zarr`). */
  url: string;
  /** Which patch (index along N). */
  slot: number;
  /** Logit channels C. */
  channels: number;
  /** Patch spatial size. */
  patchSize: number[];
  /** Destination [C, pz, py, px] float32 on a SharedArrayBuffer. */
  out: Float32Array;
}

// Each worker opens an array once; a small cache: every patch chunk is read exactly once.
const arrays = new Map<string, Promise<Volume>>();
const cache = new ChunkCache({ maxBytes: 32 * 2 ** 20 });

/** Reads and decodes one stored patch into `task.out`; resolves with the stored bytes it fetched. */
export async function decodePatch(task: DecodePatchTask): Promise<number> {
  let volume = arrays.get(task.url);
  if (!volume) {
    volume = openVolume(task.url, { format: 'zarr2', cache });
    arrays.set(task.url, volume);
  }
  const v = await volume;
  const before = cache.stats.bytesFetched;
  const nd = await v.read({ start: [task.slot, 0, 0, 0, 0], stop: [task.slot + 1, task.channels, ...task.patchSize] });
  float16ToFloat32(nd.data as Uint16Array, task.out);
  return cache.stats.bytesFetched - before;
}
