/**
 * Piscina worker: runs the accumulation kernel on shared memory. The task carries views of
 * SharedArrayBuffers, so nothing is copied; the pool guarantees one task per chunk at a time.
 */
import { accumulatePatchIntoChunk } from './accumulate-kernel';

export interface AccumulateTask {
  sum: Float32Array;
  weight: Float32Array;
  chunkStart: number[];
  chunkShape: number[];
  logits: Float32Array;
  patchStart: number[];
  patchSize: number[];
  weights: Float32Array;
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
