/**
 * The model card the test models carry. Field names are those of `ModelCard` in @voxelflow/inference
 * (libs/inference/src/backend.ts); it is restated here because this tool must not depend on the
 * packages it produces test data for.
 */
export interface TestModelCard {
  name: string;
  patchSize: number[];
  inChannels: number;
  numClasses: number;
  labels: string[];
  normalization: 'none' | 'instance_zscore' | 'global_zscore' | 'instance_minmax' | 'ct' | 'window' | 'clip_scale';
  windowLevel?: number;
  windowWidth?: number;
  clipValue?: number;
  layout: '3d' | '2.5d';
  layers?: number;
  activation: 'softmax' | 'sigmoid' | 'none';
}
