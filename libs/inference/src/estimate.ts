/**
 * `predict --estimate`: what a run would do, without running a model — patches (and how many are
 * skipped because every input chunk is absent), input chunks and bytes to read, bytes to write.
 */
import { chunksTouched } from '@voxelflow/tiling';
import { bytesPerElement } from '@voxelflow/volume-io';
import { setupRun, type RunOptions } from './run-setup';

/** What a predict run would do, from {@link estimatePredict}. */
export interface PredictEstimate {
  /** The part estimated. */
  partId: number;
  /** Number of parts. */
  numParts: number;
  /** Patch size (Z, Y, X). */
  patchSize: number[];
  /** Patches of this part. */
  patches: number;
  /** Patches whose input chunks are all absent (skipped without reading). */
  absentPatches: number;
  /** Distinct input chunks the remaining patches read. */
  inputChunks: number;
  /** Decoded bytes of those chunks (what the chunk cache holds; stored bytes are fewer when compressed). */
  inputBytes: number;
  /** Output channels, when the model declares them. */
  outChannels?: number;
  /** Uncompressed float16 logits to write (patches × C × patch voxels × 2). */
  outputBytes?: number;
}

/**
 * Plans a predict run without running a model: opens the input and the models, builds the grid and
 * counts this part's patches, the input chunks they read and the bytes they would write.
 */
export async function estimatePredict(options: RunOptions): Promise<PredictEstimate> {
  const setup = await setupRun(options, undefined, { computeStatistics: false });
  try {
    const { volume, spatialShape, patchSize, partPatches } = setup;
    const channelPrefix = volume.shape.length === 4;
    const chunkShape = volume.chunkShape.slice(-3);
    const chunkVoxels = volume.chunkShape.reduce((a, b) => a * b, 1);
    const touched = new Set<string>();
    let absent = 0;
    for (const p of partPatches) {
      const chunks = chunksTouched(p.start, patchSize, chunkShape, spatialShape);
      let any = !setup.skipEmpty;
      for (const c of chunks) if (await volume.hasChunk(channelPrefix ? [0, ...c] : c)) any = true;
      if (!any) {
        absent++;
        continue;
      }
      for (const c of chunks) touched.add(c.join(','));
    }
    const channelChunks = channelPrefix ? Math.ceil(volume.shape[0]! / volume.chunkShape[0]!) : 1;
    const declared = setup.backends[0]?.outputs[0]?.shape[1];
    const outChannels = typeof declared === 'number' ? declared : setup.card.numClasses;
    const patchVoxels = patchSize.reduce((a, b) => a * b, 1);
    return {
      partId: setup.partId,
      numParts: setup.numParts,
      patchSize,
      patches: partPatches.length,
      absentPatches: absent,
      inputChunks: touched.size * channelChunks,
      inputBytes: touched.size * channelChunks * chunkVoxels * bytesPerElement(volume.dtype),
      outChannels,
      outputBytes: outChannels === undefined ? undefined : (partPatches.length - absent) * outChannels * patchVoxels * 2,
    };
  } finally {
    await setup.dispose();
  }
}
