/**
 * @packageDocumentation
 * `voxelflow-ink`, the ink-detection container: 2.5D surface layers from S3 (or a folder) through an
 * ONNX ink model to a prediction image, configured by environment variables. The steps, the
 * configuration and the numerics are exported for tests and for embedding.
 */

// Configuration
export {
  parseInkConfig,
  graphOptimizationFor,
  cudaDevicesVisible,
  INK_VARIABLES,
  PASSTHROUGH_VARIABLES,
  INK_STEPS,
  MODEL_TYPES,
  type InkConfig,
  type InkStep,
  type InkVariable,
  type ParsedInkConfig,
} from './config';
export { MODEL_TABLE, loadModelTable, locateModel, fileSafe, type ModelTableEntry, type ModelLocation } from './model-table';

// Names and places
export {
  trimUrl,
  joinUrl,
  layerToken,
  defaultSurfaceVolumePath,
  predictionFileName,
  predictionUrl,
  predPartName,
  countPartName,
  DEFAULT_PARTITION_DIR,
  DEFAULT_RESULT_URL_FILE,
} from './locations';

// The steps
export { main } from './main';
export { runInk, type InkRunResult, type RunInkOptions } from './run-ink';
export { loadInkModel, describeModel, checkChannels, normalizationTable, type InkModel } from './ink-model';
export {
  prepareSurfaceVolume,
  openSurfaceVolume,
  zarrCodec,
  INK_ATTRIBUTE,
  type SurfaceVolume,
  type SurfaceVolumeRecord,
  type PrepareProgress,
} from './surface-volume';
export { runInferencePart, runSettings, BLEND_DESCRIPTION, UPSAMPLE_DESCRIPTION, type PartProgress, type PartResult } from './infer-part';
export {
  readPartitionRecord,
  openPartition,
  createPartition,
  completePartition,
  runKeyOf,
  type PartitionRecord,
  type PartitionRunSettings,
  type PartitionArrays,
} from './partition-store';
export { reducePartitions, partitionRecords, mergePartitions, writeFileAtomic, clearResultFile, type ReduceResult } from './reduce';

// Numerics
export { borderSafeHann, blendWeights2D } from './blend-window';
export { axisResample, resizeBilinear, type AxisResample } from './bilinear-upsample';
export { LayerWindow, type LayerWindowOptions } from './layer-window';
export { RollingAccumulator, type RollingAccumulatorOptions, type AccumulatorSink } from './rolling-accumulator';

// Errors
export {
  InkError,
  MissingVariableError,
  InvalidVariableError,
  UnknownModelError,
  ChannelMismatchError,
  UnsupportedInkModelError,
  SurfaceVolumeError,
  PartitionError,
} from './errors';
