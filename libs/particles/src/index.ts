/**
 * @packageDocumentation
 * copick projects (config, runs, tomograms, picks, segmentations), particle localization from
 * multilabel segmentations (watershed, centre of mass) as octopi does it, and evaluation of picks
 * against ground truth with the CZII Kaggle F-beta metric (or octopi's variant).
 */

/** The npm name of this package. */
export const PACKAGE_NAME = '@voxelflow/particles';

// copick projects
export {
  openCopickProject,
  CopickProject,
  CopickRun,
  type CopickRoot,
  type CopickRootKind,
  type OpenCopickProjectOptions,
  type OpenTomogramOptions,
  type PicksRef,
  type SegmentationRef,
  type SegmentationId,
  type WriteSegmentationOptions,
} from './copick-project';
export { parseCopickConfig, objectWeight, copickConfigToJson, type CopickConfig, type PickableObject } from './copick-config';
export {
  checkCopickName,
  copickNameProblem,
  formatVoxelSpacing,
  voxelSpacingDirName,
  parseVoxelSpacingDirName,
  picksFileName,
  parsePicksFileName,
  segmentationFileName,
  parseSegmentationFileName,
  type CopickNameKind,
} from './copick-names';
export { resolveCopickRoot, configFolder } from './copick-roots';
export { parsePicks, formatPicks, makePoint, identityTransform, type CopickPicks, type CopickPoint, type PointXYZ } from './picks-file';
export { openLabelVolume, readLabelVolume, writeLabelVolume, type LabelVolume, type WriteLabelVolumeOptions } from './label-volume';

// Localization: the typed-array algorithms
export type { Shape3 } from './volume-shape';
export { connectedComponents, type Connectivity, type ComponentLabels } from './connected-components';
export { distanceTransformEDT } from './distance-transform';
export { maximumFilter } from './maximum-filter';
export { binaryErosion6, binaryDilation6, binaryOpening6 } from './binary-morphology';
export { watershed } from './watershed';
export { centerOfMass, type LabelCentres } from './center-of-mass';
export { mergeClosePoints, type WeightedPoint } from './merge-close-points';

// Localization: one segmentation, and a whole project
export {
  localizeRun,
  resolveLocalizeParameters,
  sphereVolume,
  type LocalizeMethod,
  type LocalizeObjectSpec,
  type LocalizeParameters,
  type LocalizeRunOptions,
  type LocalizedParticle,
  type LocalizedObject,
  type LocalizeStats,
} from './localize-run';
export {
  localizeProject,
  localizeCopickRun,
  resolveLocalizeTargets,
  type LocalizeProjectOptions,
  type LocalizeProjectResult,
  type LocalizeJob,
  type LocalizeTargets,
  type LabelSource,
  type RunLocalizeSummary,
  type ObjectLocalizeSummary,
  type LocalizeWorkerInit,
  type LocalizeWorkerRequest,
  type LocalizeWorkerReply,
} from './localize-project';

// Evaluation
export {
  countMatches,
  scoreCounts,
  evaluatePoints,
  evaluateRunPoints,
  resolveEvaluateOptions,
  defaultDistanceScale,
  type MetricVariant,
  type MatchCounts,
  type Scores,
  type EvaluateObjectSpec,
  type EvaluateRunPoints,
  type EvaluateOptions,
  type ObjectRunResult,
  type RunEvaluation,
  type ObjectSummary,
  type MeanStd,
  type Evaluation,
} from './evaluate';
export { evaluateProject, evaluateRun, evaluationObjects, type EvaluateProjectOptions, type PicksSource } from './evaluate-project';
export { formatMetricsTable, metricsJson, averageMetrics, writeEvaluationReport } from './metrics-report';

// Segment support: the segment log and the model config
export {
  writeSegmentationLog,
  readSegmentationLog,
  formatSegmentationLog,
  parseSegmentationLog,
  segmentationLogKey,
  type SegmentationLog,
  type SegmentationInfo,
} from './segmentation-log';
export { parseModelConfig, readModelConfig, type ModelConfig } from './model-config';

// Errors
export {
  ParticlesError,
  CopickConfigError,
  InvalidCopickNameError,
  UnknownObjectError,
  RunNotFoundError,
  TomogramNotFoundError,
  MalformedPicksError,
  SegmentationError,
  SegmentationLogError,
  ModelConfigError,
  ParticlesArgumentError,
  LocalizeRunError,
} from './errors';
