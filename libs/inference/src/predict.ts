/**
 * `predict`: stage 1 of the Vesuvius pipeline. Runs the models over this part's patches and stores
 * their logits per the data contract (see logits-store). Safe to rerun: a part made with the same
 * configuration resumes where it stopped; a different configuration is refused unless `overwrite`.
 */
import { ModelRunner } from './model-runner';
import { runPatchLoop } from './patch-loop';
import { PatchReader } from './patch-reader';
import { ProgressTracker, type ProgressCallback } from './progress';
import { LogitsPartWriter, coordinatesPartName, joinUrl, logitsCodec, logitsPartName, type LogitsCompressor } from './logits-store';
import { setupRun, type RunOptions } from './run-setup';

export interface PredictOptions extends RunOptions {
  /** Directory (path or URL) that receives `logits_part_{id}.zarr` and `coordinates_part_{id}.zarr`. */
  output: string;
  /** Blosc compressor of the logits (default zstd) or 'none'. */
  compressor?: LogitsCompressor;
  /** Compression level (default 3). */
  compressionLevel?: number;
  /** Replace an output made with a different configuration. */
  overwrite?: boolean;
  /** Progress of phase 'predict', in patches (throttled to a few events per second). */
  onProgress?: ProgressCallback;
}

/** What {@link predict} did. */
export interface PredictResult {
  /** URL of this part's `logits_part_{id}.zarr`. */
  logitsUrl: string;
  /** URL of this part's `coordinates_part_{id}.zarr`. */
  coordinatesUrl: string;
  /** This process's part. */
  partId: number;
  /** Number of parts of the run. */
  numParts: number;
  /** Patches of this part. */
  patches: number;
  /** Patches run through the model in this call. */
  processed: number;
  /** Patches skipped as empty (homogeneous, or every input chunk absent). */
  skippedEmpty: number;
  /** Patches already stored by an earlier run. */
  resumed: number;
  /**
   * Encoded input bytes fetched from storage. Counted for Zarr inputs; whole-file and slice formats
   * (NIfTI, MHA, NRRD, TIFF) report 0.
   */
  bytesRead: number;
  /** Input chunks decoded (Zarr inputs). */
  chunksDecoded: number;
  /** Uncompressed float16 bytes of logits written. */
  bytesWritten: number;
  /** Logit channels the model produced. */
  outChannels: number | undefined;
  /** Where the time went. */
  timings: {
    /** Wall time of the call. */
    totalSeconds: number;
    /** Time inside the backends' `run`, summed. */
    modelSeconds: number;
    /** Time the model waited for reads that were not ready. */
    readWaitSeconds: number;
    /** Time spent handing logits to the store (encoding, backpressure). */
    writeSeconds: number;
  };
  /** The run's configuration record, as stored in the part's attributes. */
  config: Record<string, unknown>;
}

/** Runs stage 1 over this part and writes its logits and coordinates stores. */
export async function predict(options: PredictOptions): Promise<PredictResult> {
  const t0 = performance.now();
  const setup = await setupRun(options, options.output);
  try {
    const { backends, transforms, patchSize, inChannels, batchSize, partPatches, visitOrder } = setup;
    const runner = new ModelRunner({ backends, transforms, patchSize, inChannels, maxBatch: batchSize });
    // Output channels are needed to create the store; ask the model once when it does not declare them.
    if (runner.outChannels === undefined) {
      const probe = new Float32Array(inChannels * runner.patchVoxels);
      await runner.run(probe, 1);
    }
    const channels = runner.outChannels!;
    const writer = await LogitsPartWriter.open({
      outputDir: options.output,
      partId: setup.partId,
      numParts: setup.numParts,
      indices: partPatches.indices,
      starts: partPatches.startsArray(),
      channels,
      patchSize,
      overlap: setup.overlap,
      volumeShape: setup.spatialShape,
      config: { ...setup.config, compressor: options.compressor ?? 'zstd', compression_level: options.compressionLevel ?? 3 },
      codec: logitsCodec(options.compressor, options.compressionLevel ?? 3),
      overwrite: options.overwrite,
    });
    const done = await writer.completed();
    const todo = [...visitOrder].filter((p) => !done.has(p.index));
    const reader = new PatchReader({
      volume: setup.volume,
      spatialShape: setup.spatialShape,
      channels: inChannels,
      patchSize,
      normalization: setup.normalization,
      skipEmpty: setup.skipEmpty,
    });
    const progress = new ProgressTracker('predict', partPatches.length, 'patches', options.onProgress);
    progress.advance(done.size, 0, done.size);
    const loop = await runPatchLoop({
      patches: todo,
      readPatch: (start, dst) => reader.read(start, dst),
      isKnownEmpty: (start) => reader.isKnownEmpty(start),
      runner,
      batchSize,
      inputVoxels: inChannels * runner.patchVoxels,
      sink: writer,
      progress,
      signal: options.signal,
    });
    await writer.close();
    progress.emit(true);
    const stats = setup.cache.stats;
    return {
      logitsUrl: joinUrl(options.output, logitsPartName(setup.partId)),
      coordinatesUrl: joinUrl(options.output, coordinatesPartName(setup.partId)),
      partId: setup.partId,
      numParts: setup.numParts,
      patches: partPatches.length,
      processed: loop.processed - loop.empty,
      skippedEmpty: loop.empty,
      resumed: done.size,
      bytesRead: stats.bytesFetched,
      chunksDecoded: stats.chunksDecoded,
      bytesWritten: writer.bytesWritten,
      outChannels: channels,
      timings: {
        totalSeconds: (performance.now() - t0) / 1000,
        modelSeconds: runner.modelSeconds,
        readWaitSeconds: loop.readWaitSeconds,
        writeSeconds: loop.writeSeconds,
      },
      config: setup.config,
    };
  } finally {
    await setup.dispose();
  }
}

