/**
 * @packageDocumentation
 * Logits to probabilities and masks: softmax/sigmoid/argmax/threshold, one global uint8 scale,
 * no-data handling, 2× pyramids (mean for probabilities, max/mode for masks and labels) and a
 * validated OME-NGFF output with metadata.json and a completion marker.
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@voxelflow/finalize';
export { FINALIZE_VERSION } from './version';

// The operation (staged: blended logits Zarr → OME-Zarr output)
export { finalize, type FinalizeOptions } from './finalize';

// The writer shared by `finalize` and the fused pipeline
export {
  createFinalizeOutput,
  finalizeSettings,
  type FinalizeOutput,
  type FinalizeOutputOptions,
  type ChunkWriteResult,
  type FinalizeLevel,
  type FinalizeResult,
  type FinishOptions,
} from './finalize-output';

// One chunk (pure; also usable in a worker)
export { finalizeChunk, type FinalizedChunk } from './finalize-chunk';
export {
  resolveFinalizeSpec,
  type FinalizeChunkOptions,
  type FinalizeSpec,
  type FinalizeMode,
  type FinalizeDType,
  type ChannelKind,
  type DownsampleMethod,
} from './finalize-spec';

// Pure numerics
export { logitsToProbabilities, sigmoid, type Activation } from './probabilities';
export { thresholdLogit, resolveThreshold, DEFAULT_THRESHOLD } from './threshold';
export { probabilityToUint8, uint8ToProbability, UINT8_SCALE, type Uint8Rounding } from './uint8-scale';
export { downsampleMean } from './downsample-mean';
export { downsampleMode } from './downsample-mode';
export { downsampleMax } from './downsample-max';
export { downsampledShape, type NumericArray } from './downsample-shape';
export { pyramidLevelShapes, MAX_PYRAMID_LEVELS } from './pyramid-levels';

// Pyramid pass over stored levels
export { buildPyramid, type BuildPyramidOptions, type PyramidCounts } from './build-pyramid';

// Output state: marker, progress record, settings
export {
  COMPLETE_MARKER_KEY,
  PROGRESS_KEY,
  METADATA_KEY,
  readOutputState,
  settingsDifferences,
  normalizeSource,
  type OutputState,
  type FinalizeSettings,
  type CompletionMarker,
  type ProgressRecord,
  type Level0Counts,
} from './output-state';
export { ChunkSet, gridIndices } from './chunk-set';

// Output geometry (NGFF scale/translation/unit)
export { geometryFromInput, geometryToOutput, ngffSpaceUnit, type OutputGeometry } from './output-geometry';

// Progress
export { PhaseProgress, type FinalizeProgressEvent, type FinalizeProgressCallback } from './progress';

// Errors
export { FinalizeError, FinalizeInputError, FinalizeOptionsError, FinalizeOutputExistsError, FinalizeStateError } from './errors';
