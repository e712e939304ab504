/**
 * Piscina worker: runs the accumulation kernel on shared memory. The task carries views of
 * SharedArrayBuffers, so nothing is copied; the pool guarantees one task per chunk at a time.
 */
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
