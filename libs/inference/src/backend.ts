import type { IntensityProperties, NormalizationScheme } from '@voxelflow/normalization';

/**
 * The model-backend contract. The engine talks to models only through this; a backend
 * (runtime-onnx, a future runtime-webgpu…) is a separate package that implements it.
 */

/** Element type of a tensor. float16 travels as raw bits in a Uint16Array. */
export type TensorDType = 'float32' | 'float16';

/** A batch going into or coming out of a model: a typed array with a shape. */
export interface Tensor {
  /** Element type; float16 data is raw bits in a Uint16Array. */
  dtype: TensorDType;
  /** The values in C order: Float32Array for float32, Uint16Array for float16. */
  data: Float32Array | Uint16Array;
  /** C-order shape, e.g. [N, C, Z, Y, X]. */
  shape: number[];
}

/** A model input or output as the model declares it. */
export interface TensorInfo {
  /** The name in the model's graph. */
  name: string;
  /** Element type the model takes or gives. */
  dtype: TensorDType;
  /** Declared shape; a string or null is a symbolic (dynamic) dimension. */
  shape: (number | string | null)[];
}

export type { IntensityProperties, NormalizationScheme };

/** What a model needs and produces; every field may be overridden from the command line. */
export interface ModelCard {
  /** A short name for logs and run records. */
  name?: string;
  /** Patch (tile) size the model was trained on, in array axis order. */
  patchSize?: number[];
  /** Input channels. */
  inChannels?: number;
  /** Output channels (classes). */
  numClasses?: number;
  /** Class names, index = channel. */
  labels?: string[];
  /** Intensity normalization the model was trained with. */
  normalization?: NormalizationScheme;
  /** Foreground intensity statistics, for `ct` (and `global_zscore` with fixed statistics). */
  intensityProperties?: IntensityProperties;
  /** `window` normalization (itk_infer): level (centre). */
  windowLevel?: number;
  /** `window` normalization: width. */
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

/**
 * A model ready to run, from any runtime. The engine feeds `inputs[0]` and reads `outputs[0]`; see
 * docs/writing-a-backend.md for the full contract.
 */
export interface ModelBackend {
  /** The model's inputs; the engine feeds the first: [N, C, Z, Y, X] (3D) or [N, 1, L, H, W] (2.5D). */
  readonly inputs: readonly TensorInfo[];
  /** The model's outputs; the engine reads the first as logits [N, C, Z, Y, X] (or [N, 1, h, w]). */
  readonly outputs: readonly TensorInfo[];
  /** The card read from the model (metadata, sidecar or nnU-Net plans); may be empty. */
  readonly card: ModelCard;
  /** The runtime that executes the model, for run records (e.g. onnxruntime-node 1.30.0). */
  readonly runtime?: {
    /** The runtime package, e.g. `onnxruntime-node`. */
    name: string;
    /** Its version. */
    version: string;
  };
  /** Runs one batch; the input has the dtype of `inputs[0]`, the output that of `outputs[0]`. */
  run(batch: Tensor): Promise<Tensor>;
  /** Releases native resources; the backend is unusable afterwards. */
  dispose(): Promise<void>;
}
