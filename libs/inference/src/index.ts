/** @packageDocumentation The VoxelFlow inference engine: the ModelBackend contract, model resolution, the predict loop. */
export type {
  ModelBackend,
  ModelCard,
  Tensor,
  TensorDType,
  TensorInfo,
  NormalizationScheme,
  IntensityProperties,
} from './backend';

export * from './errors';
export {
  MODEL_CARD_METADATA_KEY,
  SIDECAR_CARD_FILE,
  parseModelCard,
  parseIntensityProperties,
  modelCardFromMetadata,
  modelCardFromNnunet,
  mergeModelCards,
} from './model-card';
export { resolvePart, type PartAssignment } from './part-env';
