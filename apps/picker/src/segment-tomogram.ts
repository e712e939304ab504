/**
 * One tomogram through octopi's segment recipe on the VoxelFlow engine: the fused pass with octopi's
 * TTA list, uniform blend weights (MONAI mode="constant"), every patch run (no empty-patch skipping),
 * the whole-tomogram z-score by default, and the ensemble averaged as logits; the argmax of the
 * blended logits is the label map. Which settings those are lives here; the numerics live in the libs.
 */
import { runFusedPart, type FusedPartResult, type ModelBackend, type NormalizationScheme, type ProgressCallback } from '@voxelflow/inference';
import { createOnnxWorkerBackend } from '@voxelflow/runtime-onnx';
import { LabelMapTarget } from './label-map-target';

/** Options of {@link segmentTomogram}. */
export interface SegmentTomogramOptions {
  /** The tomogram: an OME-Zarr group (level 0 is read) or any volume the engine opens. */
  input: string;
  /** ONNX files of the ensemble (run through onnxruntime-node), unless `backends` is given. */
  models?: readonly string[];
  /** Ready backends instead of `models` (library use and tests); the caller disposes them. */
  backends?: ModelBackend[];
  /** Patch size (z, y, x): the model config's `dim_in` cube. */
  patchSize: readonly [number, number, number];
  /** Classes the model config promises (checked against the model's output channels). */
  numClasses?: number;
  /** Overlap fraction of neighbouring patches (octopi 0.5). */
  overlap?: number;
  /** Transforms of octopi's TTA list, 1–8 (octopi 4). */
  ntta?: number;
  /** Input normalization (octopi: `global_zscore`, the z-score over the whole tomogram). */
  normalization?: NormalizationScheme;
  /** Patches per model call (octopi's sliding-window batch size, 4). */
  swBatchSize?: number;
  /** 'cpu' (default), 'cuda', 'cuda:N'. */
  device?: string;
  /** Threads per model session. */
  threads?: number;
  /** Progress of the pass, in patches. */
  onProgress?: ProgressCallback;
  /** Cancels the pass between batches. */
  signal?: AbortSignal;
}

/** What {@link segmentTomogram} returns. */
export interface SegmentedTomogram {
  /** The argmax label map (z, y, x). */
  labels: Uint8Array;
  /** Its shape (z, y, x). */
  shape: [number, number, number];
  /** The engine's account of the pass (patches, timings, configuration record). */
  result: FusedPartResult;
}

/** Segments one tomogram; see the module comment for the recipe. */
export async function segmentTomogram(options: SegmentTomogramOptions): Promise<SegmentedTomogram> {
  const patchSize = [...options.patchSize];
  const count = options.models?.length ?? options.backends?.length ?? 1;
  const target = new LabelMapTarget(options.numClasses, options.models?.length === 1 ? options.models[0] : count > 1 ? 'the ensemble' : 'the model');
  const result = await runFusedPart(
    {
      input: options.input,
      inputLevel: 0,
      model: options.models ? [...options.models] : [],
      ...(options.backends ? { backends: options.backends } : { backendFactory: createOnnxWorkerBackend }),
      device: options.device ?? 'cpu',
      threads: options.threads,
      patchSize,
      overlap: options.overlap ?? 0.5,
      tta: 'octopi',
      ttaCount: options.ntta ?? 4,
      normalization: options.normalization ?? 'global_zscore',
      batchSize: options.swBatchSize ?? 4,
      skipEmpty: false,
      blendWeights: 'uniform',
      chunkSize: patchSize,
      // One tomogram is one part, whatever a scheduler's environment (JOB_COMPLETION_INDEX…) says.
      partId: 0,
      numParts: 1,
      onProgress: options.onProgress,
      signal: options.signal,
    },
    target,
  );
  return { labels: target.labels, shape: target.shape, result };
}
