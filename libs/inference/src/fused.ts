/**
 * The fused pass: patch logits go straight from the model into the Accumulator; each output chunk is
 * divided and handed on the moment its last patch is in, and its memory is freed. No patch logits are
 * stored, and memory is bounded by the chunks of the active slab. A part of a multi-part run builds its
 * Accumulator on the GLOBAL patch set, so chunks shared with another part never complete here: they
 * come out at the end as partial sums (with the number of patches they counted) for the caller to merge.
 */
import { Accumulator, divideChunk, touchedChunkRange, forEachChunk, type AccumulatedChunk } from '@voxelflow/blend';
import { gaussianImportanceMap } from '@voxelflow/tiling';
import { ModelRunner } from './model-runner';
import { runPatchLoop } from './patch-loop';
import { PatchReader } from './patch-reader';
import { ProgressTracker, type ProgressCallback } from './progress';
import { setupRun, type RunOptions, type RunSetup } from './run-setup';
import type { PatchResult, PatchSink } from './sink';

/** Where the fused pass sends its chunks. */
export interface FusedChunkTarget {
  /** Called once, before any chunk, with the logit channel count and the setup. */
  begin?(info: { channels: number; setup: RunSetup }): Promise<void>;
  /** A complete chunk: blended logits [C, ...shape] with NaN where no patch covered (no-data). */
  complete(chunk: AccumulatedChunk, logits: Float32Array): Promise<void>;
  /** A chunk this part could not complete (shared with another part): partial sums. */
  partial(chunk: AccumulatedChunk): Promise<void>;
  /** True when a chunk was written by an earlier run (resume: patches touching only such chunks are skipped). */
  isDone?(index: readonly number[]): boolean;
}

/** Options of {@link runFusedPart}. */
export interface FusedPartOptions extends RunOptions {
  /** Output chunk (Z, Y, X); default the patch size. */
  chunkSize?: number[];
  /** σ = patch / sigmaScale (default 8). */
  sigmaScale?: number;
  /** 'gaussian' (default, nnU-Net/Vesuvius) or 'uniform' (MONAI's mode="constant", as octopi and itk_infer). */
  blendWeights?: 'gaussian' | 'uniform';
  /** Progress of phase 'predict', in patches. */
  onProgress?: ProgressCallback;
}

/** What {@link runFusedPart} did. */
export interface FusedPartResult {
  /** The parts of the run setup callers record. */
  setup: Pick<RunSetup, 'config' | 'partId' | 'numParts' | 'patchSize' | 'spatialShape'>;
  /** Logit channels of the model. */
  channels: number;
  /** Patches of this part. */
  patches: number;
  /** Patches run through the model. */
  processed: number;
  /** Patches skipped as empty. */
  skippedEmpty: number;
  /** Patches skipped because every chunk they touch was done by an earlier run. */
  resumed: number;
  /** Output chunks this part completed and handed to the target. */
  completeChunks: number;
  /** Chunks shared with other parts, handed on as partial sums. */
  partialChunks: number;
  /** Largest memory held by the Accumulator's open chunks. */
  peakAccumulatorBytes: number;
  /** Encoded input bytes fetched from storage (Zarr inputs; other formats report 0). */
  bytesRead: number;
  /** Time inside the backends' `run`, summed. */
  modelSeconds: number;
  /** Wall time of the call. */
  seconds: number;
  /** The runtime of the first backend, for run records. */
  runtime?: {
    /** The runtime package, e.g. `onnxruntime-node`. */
    name: string;
    /** Its version. */
    version: string;
  };
}

class AccumulatorSink implements PatchSink {
  completeChunks = 0;
  private readonly divided: Float32Array;

  constructor(
    private readonly acc: Accumulator,
    private readonly target: FusedChunkTarget,
  ) {
    this.divided = new Float32Array(acc.channels * acc.chunkShape.reduce((a, b) => a * b, 1));
  }

  async write(results: readonly PatchResult[]): Promise<void> {
    for (const r of results) {
      const done = r.logits ? this.acc.add(r.start, r.logits) : this.acc.skip(r.start);
      for (const c of done) {
        const logits = divideChunk(c.sum, c.weight, this.acc.channels, this.divided.subarray(0, c.sum.length));
        await this.target.complete(c, logits);
        this.completeChunks++;
      }
    }
  }

  async close(): Promise<void> {}

  /** Chunks still open: shared with other parts. */
  async drain(): Promise<number> {
    const left = this.acc.drain();
    for (const c of left) await this.target.partial(c);
    return left.length;
  }
}

/** Runs this part's patches through the models into the Accumulator and on to `target`. */
export async function runFusedPart(options: FusedPartOptions, target: FusedChunkTarget): Promise<FusedPartResult> {
  const t0 = performance.now();
  const setup = await setupRun(options);
  try {
    const { backends, transforms, patchSize, inChannels, batchSize, grid } = setup;
    const runner = new ModelRunner({ backends, transforms, patchSize, inChannels, maxBatch: batchSize });
    if (runner.outChannels === undefined) await runner.run(new Float32Array(inChannels * runner.patchVoxels), 1);
    const channels = runner.outChannels!;
    await target.begin?.({ channels, setup });
    const chunkShape = options.chunkSize ?? patchSize;
    // The global patch set (bbox applied, parts not): shared chunks then stay open until drained.
    const globalSet = options.bbox ? grid.restrictTo(options.bbox) : grid.all();
    const positions = [0, 1, 2].map((a) => [...new Set([...globalSet].map((p) => p.start[a]!))].sort((x, y) => x - y));
    const acc = new Accumulator({
      shape: setup.spatialShape,
      chunkShape,
      channels,
      patchSize,
      weights:
        options.blendWeights === 'uniform'
          ? new Float32Array(patchSize.reduce((a, b) => a * b, 1)).fill(1)
          : gaussianImportanceMap(patchSize, options.sigmaScale ?? 8),
      positions,
    });
    // Resume: a patch whose chunks are all done adds nothing new; it only counts toward completion.
    const todo: { index: number; start: number[] }[] = [];
    let resumed = 0;
    for (const p of setup.visitOrder) {
      if (target.isDone && allChunksDone(p.start, patchSize, setup.spatialShape, chunkShape, target.isDone)) {
        acc.skip(p.start);
        resumed++;
      } else {
        todo.push(p);
      }
    }
    const sink = new AccumulatorSink(acc, target);
    const reader = new PatchReader({ volume: setup.volume, spatialShape: setup.spatialShape, channels: inChannels, patchSize, normalization: setup.normalization, skipEmpty: setup.skipEmpty });
    const progress = new ProgressTracker('predict', setup.partPatches.length, 'patches', options.onProgress);
    progress.advance(resumed, 0, resumed);
    const loop = await runPatchLoop({
      patches: todo,
      readPatch: (start, dst) => reader.read(start, dst),
      isKnownEmpty: (start) => reader.isKnownEmpty(start),
      runner,
      batchSize,
      inputVoxels: inChannels * runner.patchVoxels,
      sink,
      progress,
      signal: options.signal,
    });
    const partialChunks = await sink.drain();
    progress.emit(true);
    return {
      setup: { config: setup.config, partId: setup.partId, numParts: setup.numParts, patchSize, spatialShape: setup.spatialShape },
      channels,
      patches: setup.partPatches.length,
      processed: loop.processed - loop.empty,
      skippedEmpty: loop.empty,
      resumed,
      completeChunks: sink.completeChunks,
      partialChunks,
      peakAccumulatorBytes: acc.peakOpenBytes,
      bytesRead: setup.cache.stats.bytesFetched,
      modelSeconds: runner.modelSeconds,
      seconds: (performance.now() - t0) / 1000,
      runtime: backends[0]?.runtime,
    };
  } finally {
    await setup.dispose();
  }
}

function allChunksDone(
  start: readonly number[],
  patchSize: readonly number[],
  shape: readonly number[],
  chunkShape: readonly number[],
  isDone: (index: readonly number[]) => boolean,
): boolean {
  const ranges = touchedChunkRange(start, patchSize, shape, chunkShape);
  if (!ranges) return true;
  let all = true;
  forEachChunk(ranges, (index) => {
    if (all && !isDone(index)) all = false;
  });
  return all;
}
