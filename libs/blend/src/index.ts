/**
 * @packageDocumentation
 * Blending: Gaussian-weighted accumulation of patch logits into output chunks. Voxels no patch covered
 * are no-data (NaN in blended logits), never logit 0.
 */
export { Accumulator, type AccumulatorOptions, type AccumulatedChunk } from './accumulator';
export { accumulatePatchIntoChunk, divideChunk, type ChunkBuffers, type PatchData } from './accumulate-kernel';
export {
  chunkCounts,
  chunkLinearIndex,
  chunkBox,
  touchedChunkRange,
  forEachChunk,
  patchesPerChunkAxis,
} from './chunk-grid';
