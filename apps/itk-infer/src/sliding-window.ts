/**
 * itk_infer's sliding window (`slide_inference_3d`) over one image held in memory, on the shared
 * parts: the strided grid from tiling, the model runner from inference, and blend's Accumulator with
 * a uniform weight map (itk_infer averages plainly; no Gaussian), accumulated in float32.
 *
 * Order of work, as itk_infer: pad axes smaller than the patch by edge replication (centred), visit
 * windows row-major (Z outer, X inner), batch them, add every window's logits with weight 1, divide by
 * the window count per voxel, crop the padding away.
 */
import { Accumulator, divideChunk } from '@voxelflow/blend';
import { copyBox, stridedGrid } from '@voxelflow/tiling';
import { ImageError } from './errors';
import { replicatePad } from './replicate-pad';

/** What the sliding window needs from a model: ModelRunner's `run` (mean logits of a batch). */
export interface PatchRunner {
  /** Logits [count, C, ...patch] of `count` patches [count, 1, ...patch]; valid until the next call. */
  run(input: Float32Array, count: number): Promise<Float32Array>;
  /** Classes, once known. */
  readonly outChannels: number | undefined;
}

/** Options of {@link slidingWindowLogits}. */
export interface SlidingWindowOptions {
  /** Normalized image, (Z, Y, X) C-order. Not modified. */
  image: Float32Array;
  shape: readonly [number, number, number];
  patchSize: readonly [number, number, number];
  stride: readonly [number, number, number];
  runner: PatchRunner;
  /** Windows per runner call (default 1). */
  batchSize?: number;
  /** Called after every batch with windows done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Averaged logits of an image. */
export interface SlidingWindowResult {
  /** [C, Z, Y, X] float32 mean logits. */
  logits: Float32Array;
  channels: number;
  /** Number of windows run. */
  windows: number;
}

/** Runs the model over every window of the strided grid and returns the per-voxel mean logits. */
export async function slidingWindowLogits(options: SlidingWindowOptions): Promise<SlidingWindowResult> {
  const { shape, patchSize, stride, runner } = options;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1));
  const grid = stridedGrid(shape, patchSize, stride, 'center');
  const padded = grid.padBefore.some((b, a) => b + grid.padAfter[a]! > 0)
    ? replicatePad(options.image, shape, grid.padBefore, grid.padAfter)
    : { data: options.image, shape: [...shape] };
  const patchVox = patchSize[0] * patchSize[1] * patchSize[2];
  const [nz, ny, nx] = grid.positions.map((p) => p.length) as [number, number, number];
  const total = grid.count;
  const batch = new Float32Array(batchSize * patchVox);
  const starts: number[][] = [];
  const zero = [0, 0, 0];
  let accumulator: Accumulator | undefined;
  let result: Float32Array | undefined;
  let channels = 0;
  let done = 0;

  const flush = async (): Promise<void> => {
    const count = starts.length;
    const logits = await runner.run(batch, count);
    if (!accumulator) {
      channels = runner.outChannels ?? 0;
      if (channels < 1 || logits.length !== count * channels * patchVox) {
        throw new ImageError(`the model returned ${logits.length} values for ${count} windows of ${patchSize.join('×')}; expected [N, C, ${patchSize.join(', ')}]`);
      }
      accumulator = new Accumulator({
        shape,
        chunkShape: shape, // the whole image is one chunk: it completes after the last window
        channels,
        patchSize,
        weights: new Float32Array(patchVox).fill(1),
        positions: grid.positions,
      });
    }
    const outVox = channels * patchVox;
    for (let b = 0; b < count; b++) {
      for (const chunk of accumulator.add(starts[b]!, logits.subarray(b * outVox, (b + 1) * outVox))) {
        result = divideChunk(chunk.sum, chunk.weight, channels, chunk.sum);
      }
    }
    done += count;
    starts.length = 0;
    options.onProgress?.(done, total);
  };

  options.onProgress?.(0, total);
  for (let iz = 0; iz < nz; iz++) {
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        const start = [grid.positions[0]![iz]!, grid.positions[1]![iy]!, grid.positions[2]![ix]!];
        const inPadded = start.map((s, a) => s + grid.padBefore[a]!);
        const slot = starts.length;
        copyBox(padded.data, padded.shape, inPadded, batch.subarray(slot * patchVox, (slot + 1) * patchVox), patchSize, zero, patchSize);
        starts.push(start);
        if (starts.length === batchSize) await flush();
      }
    }
  }
  if (starts.length > 0) await flush();
  if (!result) throw new ImageError('the sliding window ended before every window was added; this is a bug, please report it');
  return { logits: result, channels, windows: total };
}
