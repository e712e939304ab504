import type { IntensityProperties, NormalizationScheme } from '@voxelflow/normalization';

/**
 * The model-backend contract. The engine talks to models only through this; a backend
 * (runtime-onnx, a future runtime-webgpu…) is a separate package that implements it.
 */

/** Element type of a tensor. float16 travels as raw bits in a Uint16Array. */
export type TensorDType = 'float32' | 'float16';

export interface Tensor {
  dtype: TensorDType;
  data: Float32Array | Uint16Array;
  /** C-order shape, e.g. [N, C, Z, Y, X]. */
  shape: number[];
}

export interface TensorInfo {
  name: string;
  dtype: TensorDType;
  /** Declared shape; a string or null is a symbolic (dynamic) dimension. */
  shape: (number | string | null)[];
}

export type { IntensityProperties, NormalizationScheme };

/** What a model needs and produces; every field may be overridden from the command line. */
export interface ModelCard {
  name?: string;
  /** Patch (tile) size the model was trained on, in array axis order. */
  patchSize?: number[];
  /** Input channels. */
  inChannels?: number;
  /** Output channels (classes). */
  numClasses?: number;
  /** Class names, index = channel. */
  labels?: string[];
  normalization?: NormalizationScheme;
  intensityProperties?: IntensityProperties;
  /** `window` normalization (itk_infer): level and width. */
  windowLevel?: number;
  windowWidth?: number;
  /** `clip_scale` normalization (ink models): clip to [0, clipValue] then divide by it. */
  clipValue?: number;
  /** Voxel spacing the model was trained at (x, y, z). */
  spacing?: number[];
  /** '3d': input [N, C, Z, Y, X]. '2.5d': input [N, 1, L, H, W] of L surface layers → [N, 1, h, w]. */
  layout?: '3d' | '2.5d';
  /** Number of layers of a 2.5D model. */
  layers?: number;
  /** What turns logits into probabilities. */
  activation?: 'softmax' | 'sigmoid' | 'none';
  /** Any further keys the card carried. */
  extra?: Record<string, unknown>;
}

export interface ModelBackend {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** The card read from the model (metadata, sidecar or nnU-Net plans); may be empty. */
  readonly card: ModelCard;
  /** The runtime that executes the model, for run records (e.g. onnxruntime-node 1.30.0). */
  readonly runtime?: { name: string; version: string };
  /** Runs one batch; the input has the dtype of `inputs[0]`, the output that of `outputs[0]`. */
  run(batch: Tensor): Promise<Tensor>;
  /** Releases native resources; the backend is unusable afterwards. */
  dispose(): Promise<void>;
}
