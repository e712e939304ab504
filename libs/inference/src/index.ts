/**
 * @packageDocumentation
 * The VoxelFlow inference engine: the ModelBackend contract, model cards and model resolution, the
 * predict loop (read → normalize → TTA → backend → sink), and the Vesuvius logits-part contract.
 */

// The backend contract
export type {
  ModelBackend,
  ModelCard,
  Tensor,
  TensorDType,
  TensorInfo,
  NormalizationScheme,
  IntensityProperties,
} from './backend';

// Errors
export * from './errors';

// Model cards and model resolution
export {
  MODEL_CARD_METADATA_KEY,
  SIDECAR_CARD_FILE,
  parseModelCard,
  modelCardFromMetadata,
  modelCardFromNnunet,
  mergeModelCards,
} from './model-card';
export { resolveModel, type ResolvedModel, type ResolveModelOptions, type BackendOptions, type BackendFactory } from './model-resolution';

// Runs
export { resolvePart, type PartAssignment } from './part-env';
export { setupRun, type RunOptions, type RunSetup } from './run-setup';
export { predict, type PredictOptions, type PredictResult } from './predict';
export { estimatePredict, type PredictEstimate } from './estimate';
export { blend, type BlendOptions, type BlendResult } from './blend-parts';
export { runFusedPart, type FusedPartOptions, type FusedPartResult, type FusedChunkTarget } from './fused';
export { runPipeline, VOXELFLOW_VERSION, type PipelineOptions, type PipelineResult } from './pipeline';
export { ChunkCollector } from './chunk-collector';
export { ModelRunner, type ModelRunnerOptions } from './model-runner';
export { PatchReader, type PatchReaderOptions } from './patch-reader';
export { runPatchLoop, type PatchLoopOptions, type PatchLoopStats, type PatchRefLike } from './patch-loop';
export type { PatchResult, PatchSink } from './sink';
export { ProgressTracker, type ProgressEvent, type ProgressCallback } from './progress';
export { computeVolumeStatistics, cachedVolumeStatistics, voxelflowCacheDir, type VolumeStatistics } from './volume-statistics';

// The logits-part data contract
export {
  LogitsPartWriter,
  listLogitsParts,
  logitsPartName,
  coordinatesPartName,
  logitsCodec,
  configHash,
  joinUrl,
  type LogitsPartOptions,
  type LogitsPartAttributes,
  type LogitsCompressor,
} from './logits-store';

// Stage 3 lives in @voxelflow/finalize; re-exported so the four entry points come from one place.
export { finalize, type FinalizeOptions, type FinalizeResult } from '@voxelflow/finalize';
