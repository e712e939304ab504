/**
 * @packageDocumentation
 * Blending: Gaussian-weighted accumulation of patch logits into output chunks, on the calling thread
 * or on a Piscina pool over shared memory. Voxels no patch covered are no-data (NaN in blended
 * logits), never logit 0.
 */
export { Accumulator, type AccumulatorOptions, type AccumulatedChunk } from './accumulator';
export { PooledAccumulator } from './pooled-accumulator';
export { AccumulatePool, accumulateWorkerLocation } from './accumulate-pool';
export type { AccumulateTask, DecodePatchTask } from './accumulate-worker';
export { accumulatePatchIntoChunk, divideChunk, type ChunkBuffers, type PatchData } from './accumulate-kernel';
export {
  chunkCounts,
  chunkLinearIndex,
  chunkBox,
  touchedChunkRange,
  forEachChunk,
  patchesPerChunkAxis,
} from './chunk-grid';
