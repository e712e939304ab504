/**
 * The finalize writer: one object shared by the staged `finalize()` (logits read from a blended Zarr)
 * and the fused pipeline (logits straight out of the blend Accumulator). It owns the output:
 *
 * 1. `createFinalizeOutput` checks what is at the output (empty / incomplete / complete / foreign),
 *    writes the progress record, and creates the level arrays (`0/`, `1/`, …: Zarr v2 for NGFF 0.4,
 *    v3 for 0.5; Blosc-zstd; fill 0; chunks (1, cz, cy, cx), or (cz, cy, cx) for one channel).
 * 2. `writeChunk(index, logits)` finalizes one level-0 chunk (`finalizeChunk`) and stores every
 *    channel chunk that is not all zero; `writeNoDataChunk(index)` records a chunk without any input.
 * 3. `finish()` builds the pyramid, writes the NGFF metadata (group attributes, validated), then
 *    `metadata.json`, then the completion marker, last.
 *
 * Chunk indices are those of the level-0 spatial chunk grid (`chunkShape`); a chunk's logits are
 * [C, dz, dy, dx] for its box clipped to the volume, as the Accumulator hands them out.
 */
import { basename } from 'node:path';
import { buildMultiscales, pyramidDatasets, standardAxes, writeNgffAttributes, type NgffVersion } from '@voxelflow/ome-ngff';
import { openStore, type Store } from '@voxelflow/remote-storage';
import { ChunkCache, createZarr, type Geometry, type ZarrCodec, type ZarrVolume } from '@voxelflow/volume-io';
import { buildPyramid } from './build-pyramid';
import { ChunkSet } from './chunk-set';
import { FinalizeOptionsError, FinalizeStateError } from './errors';
import { finalizeChunk } from './finalize-chunk';
import { resolveFinalizeSpec, type DownsampleMethod, type FinalizeChunkOptions, type FinalizeDType, type FinalizeMode, type FinalizeSpec } from './finalize-spec';
import { geometryToOutput, type OutputGeometry } from './output-geometry';
import {
  COMPLETE_MARKER_KEY,
  METADATA_KEY,
  PROGRESS_KEY,
  deleteAll,
  differentSettingsError,
  foreignOutputError,
  jsonBytes,
  normalizeSource,
  readOutputState,
  settingsDifferences,
  type CompletionMarker,
  type FinalizeSettings,
  type Level0Counts,
  type ProgressRecord,
} from './output-state';
import { PhaseProgress, type FinalizeProgressCallback } from './progress';
import { pyramidLevelShapes } from './pyramid-levels';
import { FINALIZE_VERSION } from './version';

/** Options of {@link createFinalizeOutput}. */
export interface FinalizeOutputOptions extends FinalizeChunkOptions {
  /** Output path or URL (local, file://, s3://). */
  output: string;
  /** An opened store whose root is `output`. */
  store?: Store;
  /** Level-0 spatial shape (Z, Y, X). */
  shape: readonly number[];
  /** Logit channels C of the chunks that will be written. */
  channels: number;
  /** Level-0 spatial chunk shape (cz, cy, cx); chunk indices refer to this grid. */
  chunkShape: readonly number[];
  /** '0.4' (default: Zarr v2 + .zattrs) or '0.5' (Zarr v3 + zarr.json attributes.ome). */
  ngff?: NgffVersion;
  /**
   * Physical grid of level 0: a volume-io Geometry (spacing/origin in x, y, z, e.g. the input
   * volume's) or an {@link OutputGeometry}. Default: unit-less scale 1.
   */
  geometry?: Geometry | OutputGeometry;
  /** Number of pyramid levels (default: halve until the smallest side is under one chunk). */
  levels?: number;
  /** The input path/URL for the records (null/omitted in the fused pipeline). */
  source?: string | null;
  /** The caller's run record (model, hash, normalization, TTA, grid, overlap, sigma, versions, input, timings…). */
  metadata?: Record<string, unknown>;
  /** Extra facts about the input recorded under `finalize.input` in metadata.json. */
  inputDescription?: Record<string, unknown>;
  /** NGFF multiscale name (default: the output's base name without .zarr). */
  name?: string;
  /** Replace whatever is at `output` (default false). */
  overwrite?: boolean;
  /** Compression (default Blosc-zstd level 3 with byte shuffle). */
  codec?: ZarrCodec;
  /** Bytes of decoded output chunks kept for the pyramid pass (default 64 MiB). */
  cacheBytes?: number;
  /** Chunk tasks in flight in the pyramid pass (default 2). */
  concurrency?: number;
  /** Seconds between progress-record checkpoints (default 5). */
  checkpointSeconds?: number;
  /** Cancels `writeChunk` and `finish` with the signal's reason; `close()` then saves the progress. */
  signal?: AbortSignal;
  /** Progress of phase 'finalize' (level-0 chunks), then 'pyramid'. */
  onProgress?: FinalizeProgressCallback;
  /** Minimum milliseconds between progress events (default 250). */
  progressIntervalMs?: number;
}

/** What {@link FinalizeOutput.writeChunk} did with a chunk. */
export interface ChunkWriteResult {
  /** 'written': some channel stored; 'empty': all zero, nothing stored; 'already-done': done by an earlier run, ignored. */
  status: 'written' | 'empty' | 'already-done';
  /** No-data voxels of the chunk (0 for 'already-done'). */
  noData: number;
  /** Channel chunks stored. */
  channelsStored: number;
}

/** One level of the output. */
export interface FinalizeLevel {
  /** Array path below the output ('0', '1', …). */
  path: string;
  /** Array shape: (C_out, Z, Y, X), or (Z, Y, X) for one output channel. */
  shape: number[];
  /** Chunk shape, with the same axes as `shape`. */
  chunkShape: number[];
}

/** What a finalize run produced (also stored, without `metadata`, in the completion marker). */
export interface FinalizeResult {
  /** The output path or URL. */
  output: string;
  /** 'completed' by this call, or 'already-complete' (a rerun with the same options: nothing done). */
  status: 'completed' | 'already-complete';
  /** Whether this run continued an incomplete output (its done chunks were kept). */
  resumed: boolean;
  /** 'binary' or 'multiclass'. */
  mode: FinalizeMode;
  /** Probability cutoff of masks, or null for probabilities. */
  threshold: number | null;
  /** Output dtype. */
  dtype: FinalizeDType;
  /** NGFF version written. */
  ngff: NgffVersion;
  /** Output channels (1: the levels have no channel axis). */
  outputChannels: number;
  /** Name of each output channel ('foreground', 'mask', 'class_0' …, 'argmax'). */
  channelNames: string[];
  /** Pyramid method of each output channel. */
  channelDownsample: DownsampleMethod[];
  /** The pyramid, level 0 first. */
  levels: FinalizeLevel[];
  /** Level-0 chunk counts (whole grid, including chunks done by an earlier run). */
  chunks: {
    /** Chunks in the level-0 grid. */
    total: number;
    /** Chunks with at least one channel chunk stored. */
    written: number;
    /** Chunks computed to all zero (nothing stored). */
    empty: number;
    /** Chunks without input (all no-data; nothing read). */
    noData: number;
    /** Chunks done by an earlier, interrupted run. */
    resumed: number;
  };
  /** No-data voxels written as 0, and all level-0 spatial voxels. */
  noDataVoxels: number;
  /** All level-0 spatial voxels (Z · Y · X). */
  voxels: number;
  /** Chunk counts of levels 1…. */
  pyramid: {
    /** Channel chunks stored. */
    chunksWritten: number;
    /** Channel chunks not stored: sources absent, or the result all zero. */
    chunksSkipped: number;
  };
  /** Wall time of this call. */
  timings: {
    /** Seconds spent on level 0 (reading, finalizing and writing chunks). */
    level0Seconds: number;
    /** Seconds spent building levels 1…. */
    pyramidSeconds: number;
    /** Seconds of the whole call. */
    totalSeconds: number;
  };
  /** Keys of the input deleted by `deleteIntermediates` (staged finalize only). */
  deletedIntermediates?: number;
  /** The content of metadata.json. */
  metadata: Record<string, unknown>;
}

/** Options of {@link FinalizeOutput.finish}. */
export interface FinishOptions {
  /**
   * Chunks never written nor marked count as all no-data (the fused pipeline, whose Accumulator
   * never hands out chunks no patch touches). Default false: such chunks are an error.
   */
  remainingAreNoData?: boolean;
  /** Merged into the `finalize` section of metadata.json (e.g. the caller's own timings). */
  extra?: Record<string, unknown>;
}

/** The writer of one finalize output; see the module comment. */
export interface FinalizeOutput {
  /** The output path or URL. */
  readonly url: string;
  /** The store the output is written through. */
  readonly store: Store;
  /** 'new', 'resumed' (an incomplete output with the same settings), or 'complete' (nothing to do: call `finish`). */
  readonly status: 'new' | 'resumed' | 'complete';
  /** The resolved options: output channels, kinds, dtype, threshold. */
  readonly spec: FinalizeSpec;
  /** The settings recorded in the progress record and the marker (reruns compare them). */
  readonly settings: FinalizeSettings;
  /** Level-0 scale, translation and unit written to the NGFF metadata. */
  readonly geometry: OutputGeometry;
  /** Levels, level 0 first. */
  readonly levels: readonly FinalizeLevel[];
  /** Level-0 spatial chunk grid. */
  readonly grid: readonly number[];
  /** Level-0 chunks done (by this or an earlier run). */
  readonly chunksDone: number;
  /** Whether level-0 chunk `index` is done (resume: skip its work). */
  isChunkDone(index: readonly number[]): boolean;
  /** The spatial box [start, stop) of level-0 chunk `index`, clipped to the volume. */
  chunkBox(index: readonly number[]): {
    /** First voxel of the chunk. */
    start: number[];
    /** One past its last voxel (exclusive). */
    stop: number[];
  };
  /** Finalizes and stores level-0 chunk `index` from its logits [C, dz, dy, dx] (float32, NaN = no-data). */
  writeChunk(index: readonly number[], logits: Float32Array): Promise<ChunkWriteResult>;
  /** Records level-0 chunk `index` as all no-data (no input, no patch): nothing is read or stored. */
  writeNoDataChunk(index: readonly number[]): Promise<void>;
  /** Builds the pyramid and writes the NGFF metadata, metadata.json and, last, the completion marker. */
  finish(options?: FinishOptions): Promise<FinalizeResult>;
  /** Saves the progress record now (call after a failure or abort so a rerun resumes from here). */
  close(): Promise<void>;
}

const DEFAULT_CODEC: ZarrCodec = { name: 'blosc', cname: 'zstd', clevel: 3, shuffle: 'shuffle' };

function checkShape(name: string, v: readonly number[], min: number): number[] {
  if (!Array.isArray(v) || v.length !== 3 || v.some((x) => !Number.isInteger(x) || x < min)) {
    throw new FinalizeOptionsError(`${name} (${Array.isArray(v) ? v.join(', ') : String(v)}) must be three integers ≥ ${min} (z, y, x)`);
  }
  return [...v];
}

function isOutputGeometry(g: Geometry | OutputGeometry): g is OutputGeometry {
  return 'scale' in g && 'translation' in g;
}

/** Settings of a run from its options (validated; see {@link resolveFinalizeSpec}). */
export function finalizeSettings(options: FinalizeOutputOptions, spec: FinalizeSpec): FinalizeSettings {
  const shape = checkShape('shape', options.shape, 1);
  const chunkShape = checkShape('chunkShape', options.chunkShape, 1);
  const ngff = options.ngff ?? '0.4';
  if (ngff !== '0.4' && ngff !== '0.5') throw new FinalizeOptionsError(`ngff ${JSON.stringify(ngff)} is not '0.4' or '0.5'`);
  let levels: number;
  try {
    levels = pyramidLevelShapes(shape, chunkShape, options.levels).length;
  } catch (err) {
    throw new FinalizeOptionsError((err as Error).message);
  }
  return {
    source: options.source ? normalizeSource(options.source) : null,
    shape,
    channels: spec.channels,
    mode: spec.mode,
    activation: spec.activation,
    threshold: spec.threshold,
    dtype: spec.dtype,
    rounding: spec.rounding,
    maskDownsample: spec.maskDownsample,
    ngff,
    chunkShape,
    levels,
  };
}

/**
 * Opens (creating or resuming) the finalize output at `options.output`. Throws
 * FinalizeOutputExistsError when it holds another run's output or foreign data (unless `overwrite`),
 * FinalizeOptionsError for invalid options.
 */
export async function createFinalizeOutput(options: FinalizeOutputOptions): Promise<FinalizeOutput> {
  const spec = resolveFinalizeSpec(options, options.channels);
  const settings = finalizeSettings(options, spec);
  const store = options.store ?? (await openStore(options.output));
  const url = store.url;
  if (store.readOnly) throw new FinalizeOptionsError(`${url} is read-only; write the output to a local path or s3://`);

  let status: FinalizeOutput['status'] = 'new';
  let done = new ChunkSet(settings.shape.map((s, a) => Math.ceil(s / settings.chunkShape[a]!)));
  let counts: Level0Counts = { chunksWritten: 0, chunksEmpty: 0, chunksNoData: 0, noDataVoxels: 0 };
  let startedAt = new Date().toISOString();
  let marker: CompletionMarker | undefined;
  if (options.overwrite) {
    await deleteAll(store);
  } else {
    const state = await readOutputState(store);
    if (state.kind === 'foreign') throw foreignOutputError(url, state.evidence);
    if (state.kind === 'complete') {
      const diff = settingsDifferences(state.marker.settings, settings);
      if (diff.length > 0) throw differentSettingsError(url, true, diff);
      status = 'complete';
      marker = state.marker;
    } else if (state.kind === 'incomplete') {
      const diff = settingsDifferences(state.progress.settings, settings);
      if (diff.length > 0) throw differentSettingsError(url, false, diff);
      status = 'resumed';
      done = ChunkSet.fromBase64(done.grid, state.progress.done);
      counts = { ...state.progress.counts };
      startedAt = state.progress.startedAt;
    }
  }
  const writer = new Writer(options, spec, settings, store, status, done, counts, startedAt, marker);
  if (status !== 'complete') await writer.open();
  return writer;
}

class Writer implements FinalizeOutput {
  readonly url: string;
  readonly geometry: OutputGeometry;
  readonly levels: FinalizeLevel[];
  readonly grid: number[];
  readonly #hasChannelAxis: boolean;
  readonly #cache: ChunkCache;
  #arrays: ZarrVolume[] = [];
  readonly #inFlight = new Set<number>();
  readonly #pool: (Uint8Array | Float32Array)[] = [];
  #finished = false;
  #lastCheckpoint = performance.now();
  #checkpointing: Promise<void> = Promise.resolve();
  readonly #t0 = performance.now();
  #computeSeconds = 0;
  readonly #progress: PhaseProgress;
  readonly #resumedChunks: number;

  constructor(
    readonly options: FinalizeOutputOptions,
    readonly spec: FinalizeSpec,
    readonly settings: FinalizeSettings,
    readonly store: Store,
    readonly status: FinalizeOutput['status'],
    readonly done: ChunkSet,
    readonly counts: Level0Counts,
    readonly startedAt: string,
    readonly marker: CompletionMarker | undefined,
  ) {
    this.url = store.url;
    this.grid = [...done.grid];
    this.geometry = options.geometry
      ? isOutputGeometry(options.geometry)
        ? options.geometry
        : geometryToOutput(options.geometry, 'caller')
      : { scale: [1, 1, 1], translation: [0, 0, 0], source: 'none' };
    this.#hasChannelAxis = spec.outputChannels > 1;
    const shapes = pyramidLevelShapes(settings.shape, settings.chunkShape, settings.levels);
    this.levels = shapes.map((s, k) => {
      const chunk = settings.chunkShape.map((c, a) => Math.min(c, s[a]!));
      return this.#hasChannelAxis
        ? { path: String(k), shape: [spec.outputChannels, ...s], chunkShape: [1, ...chunk] }
        : { path: String(k), shape: [...s], chunkShape: chunk };
    });
    this.#cache = new ChunkCache({ maxBytes: options.cacheBytes ?? 64 * 1024 * 1024 });
    this.#resumedChunks = done.count;
    this.#progress = new PhaseProgress('finalize', done.size, 'chunks', options.onProgress, options.progressIntervalMs);
    if (done.count > 0) this.#progress.advance(done.count, done.count, done.count);
  }

  get chunksDone(): number {
    return this.done.count;
  }

  /** Writes the progress record, then creates (or reopens) the level arrays. */
  async open(): Promise<void> {
    await this.#writeProgress();
    const format = this.settings.ngff === '0.4' ? 'zarr2' : 'zarr3';
    const names = this.#hasChannelAxis ? ['c', 'z', 'y', 'x'] : ['z', 'y', 'x'];
    for (const level of this.levels) {
      this.#arrays.push(
        await createZarr(this.store, level.path, {
          format,
          shape: level.shape,
          dtype: this.spec.dtype,
          chunkShape: level.chunkShape,
          codec: this.options.codec ?? DEFAULT_CODEC,
          fillValue: 0,
          dimensionSeparator: '/',
          ...(format === 'zarr3' ? { dimensionNames: names } : {}),
          cache: this.#cache,
        }),
      );
    }
  }

  isChunkDone(index: readonly number[]): boolean {
    const i = this.done.linear(index);
    return i >= 0 && this.done.has(i);
  }

  chunkBox(index: readonly number[]): { start: number[]; stop: number[] } {
    if (this.done.linear(index) < 0) {
      throw new FinalizeStateError(`chunk (${[...index].join(', ')}) is outside the level-0 chunk grid (${this.grid.join(', ')}) of ${this.url}`);
    }
    const start = index.map((j, a) => j * this.settings.chunkShape[a]!);
    const stop = start.map((s, a) => Math.min(s + this.settings.chunkShape[a]!, this.settings.shape[a]!));
    return { start, stop };
  }

  #claim(index: readonly number[], what: string): number {
    if (this.status === 'complete') throw new FinalizeStateError(`${this.url} is already complete; ${what} is not needed (check output.status)`);
    if (this.#finished) throw new FinalizeStateError(`${this.url} is finished; ${what} after finish() is not allowed`);
    const i = this.done.linear(index);
    if (i < 0) throw new FinalizeStateError(`chunk (${[...index].join(', ')}) is outside the level-0 chunk grid (${this.grid.join(', ')}) of ${this.url}`);
    if (this.#inFlight.has(i)) throw new FinalizeStateError(`chunk (${index.join(', ')}) of ${this.url} is being written twice at once`);
    this.options.signal?.throwIfAborted();
    return i;
  }

  async writeChunk(index: readonly number[], logits: Float32Array): Promise<ChunkWriteResult> {
    const i = this.#claim(index, 'writeChunk');
    if (this.done.has(i)) return { status: 'already-done', noData: 0, channelsStored: 0 };
    const box = this.chunkBox(index);
    const ext = box.stop.map((s, a) => s - box.start[a]!);
    const n = ext[0]! * ext[1]! * ext[2]!;
    if (logits.length !== this.spec.channels * n) {
      throw new FinalizeStateError(
        `chunk (${index.join(', ')}) needs ${this.spec.channels}×${ext.join('×')} = ${this.spec.channels * n} logits, got ${logits.length}`,
      );
    }
    this.#inFlight.add(i);
    const buffer = this.#takeBuffer();
    try {
      const t = performance.now();
      const result = finalizeChunk(logits, this.spec.channels, ext, this.spec, buffer);
      this.#computeSeconds += (performance.now() - t) / 1000;
      const level0 = this.#arrays[0]!;
      let stored = 0;
      for (let c = 0; c < this.spec.outputChannels; c++) {
        const data = result.channels.subarray(c * n, (c + 1) * n);
        if (isAllZero(data)) continue;
        const prefix = this.#hasChannelAxis ? [c] : [];
        await level0.write(
          { start: [...prefix, ...box.start], stop: [...(this.#hasChannelAxis ? [c + 1] : []), ...box.stop] },
          { data, shape: [...(this.#hasChannelAxis ? [1] : []), ...ext], dtype: this.spec.dtype },
        );
        stored++;
      }
      // Counted and marked only once every channel is stored, so a checkpoint never records half a chunk.
      if (stored > 0) this.counts.chunksWritten++;
      else this.counts.chunksEmpty++;
      this.counts.noDataVoxels += result.noData;
      this.done.add(i);
      this.#progress.advance(1);
      this.#maybeCheckpoint();
      return { status: stored > 0 ? 'written' : 'empty', noData: result.noData, channelsStored: stored };
    } finally {
      this.#inFlight.delete(i);
      this.#pool.push(buffer);
    }
  }

  async writeNoDataChunk(index: readonly number[]): Promise<void> {
    const i = this.#claim(index, 'writeNoDataChunk');
    if (this.done.has(i)) return;
    const box = this.chunkBox(index);
    this.counts.chunksNoData++;
    this.counts.noDataVoxels += box.stop.reduce((p, s, a) => p * (s - box.start[a]!), 1);
    this.done.add(i);
    this.#progress.advance(1, 1);
    this.#maybeCheckpoint();
  }

  #takeBuffer(): Uint8Array | Float32Array {
    const pooled = this.#pool.pop();
    if (pooled) return pooled;
    const n = this.settings.chunkShape.reduce((a, b) => a * b, 1) * this.spec.outputChannels;
    return this.spec.dtype === 'float32' ? new Float32Array(n) : new Uint8Array(n);
  }

  #record(): ProgressRecord {
    return {
      format: 'voxelflow-finalize-progress',
      version: 1,
      settings: this.settings,
      startedAt: this.startedAt,
      updatedAt: new Date().toISOString(),
      grid: this.grid,
      done: this.done.toBase64(),
      counts: { ...this.counts },
    };
  }

  /** Queues a progress-record write of the current state (snapshotted now; writes never overlap). */
  #writeProgress(): Promise<void> {
    const bytes = jsonBytes(this.#record());
    this.#lastCheckpoint = performance.now();
    this.#checkpointing = this.#checkpointing.then(() => this.store.set(PROGRESS_KEY, bytes));
    return this.#checkpointing;
  }

  #maybeCheckpoint(): void {
    const every = (this.options.checkpointSeconds ?? 5) * 1000;
    if (performance.now() - this.#lastCheckpoint >= every) {
      // A failed checkpoint only costs recomputation on resume; the next one (or close) retries.
      this.#writeProgress().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.status === 'complete' || this.#finished) return;
    await this.#checkpointing.catch(() => undefined);
    await this.#writeProgress();
  }

  async finish(options: FinishOptions = {}): Promise<FinalizeResult> {
    if (this.status === 'complete') return this.#alreadyComplete();
    if (this.#finished) throw new FinalizeStateError(`${this.url}: finish() was already called`);
    if (this.#inFlight.size > 0) throw new FinalizeStateError(`${this.url}: finish() called while ${this.#inFlight.size} chunk writes are still running; await them first`);
    const missing = this.done.size - this.done.count;
    if (missing > 0) {
      if (!options.remainingAreNoData) {
        throw new FinalizeStateError(
          `${this.url}: ${missing} of ${this.done.size} level-0 chunks were neither written nor marked no-data; write them, or pass remainingAreNoData: true`,
        );
      }
      for (let i = 0; i < this.done.size; i++) {
        if (this.done.has(i)) continue;
        const index = this.#indexOf(i);
        const box = this.chunkBox(index);
        this.counts.chunksNoData++;
        this.counts.noDataVoxels += box.stop.reduce((p, s, a) => p * (s - box.start[a]!), 1);
        this.done.add(i);
      }
    }
    this.#progress.emit(true);
    const level0Seconds = (performance.now() - this.#t0) / 1000;
    await this.#writeProgress();

    const pyramid = await buildPyramid({
      levels: this.#arrays,
      hasChannelAxis: this.#hasChannelAxis,
      methods: this.spec.channelDownsample,
      concurrency: this.options.concurrency ?? 2,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
      ...(this.options.progressIntervalMs !== undefined ? { progressIntervalMs: this.options.progressIntervalMs } : {}),
    });
    this.options.signal?.throwIfAborted();

    const completedAt = new Date().toISOString();
    const voxels = this.settings.shape.reduce((a, b) => a * b, 1);
    const totalSeconds = (performance.now() - this.#t0) / 1000;
    const summary: Omit<FinalizeResult, 'metadata'> = {
      output: this.url,
      status: 'completed',
      resumed: this.status === 'resumed',
      mode: this.spec.mode,
      threshold: this.spec.threshold,
      dtype: this.spec.dtype,
      ngff: this.settings.ngff,
      outputChannels: this.spec.outputChannels,
      channelNames: this.spec.channelNames,
      channelDownsample: this.spec.channelDownsample,
      levels: this.levels,
      chunks: {
        total: this.done.size,
        written: this.counts.chunksWritten,
        empty: this.counts.chunksEmpty,
        noData: this.counts.chunksNoData,
        resumed: this.#resumedChunks,
      },
      noDataVoxels: this.counts.noDataVoxels,
      voxels,
      pyramid: { chunksWritten: pyramid.chunksWritten, chunksSkipped: pyramid.chunksSkipped },
      timings: { level0Seconds, pyramidSeconds: pyramid.seconds, totalSeconds },
    };
    const finalizeSection: Record<string, unknown> = {
      ...((this.options.metadata?.['finalize'] as Record<string, unknown> | undefined) ?? {}),
      package: `@voxelflow/finalize ${FINALIZE_VERSION}`,
      mode: this.spec.mode,
      activation: this.spec.activation,
      threshold: this.spec.threshold,
      thresholdLogit: this.spec.thresholdLogit,
      dtype: this.spec.dtype,
      uint8Scale: this.spec.dtype === 'uint8' ? { probability: 'value / 255', rounding: this.spec.rounding, global: true } : null,
      maskDownsample: this.spec.maskDownsample,
      ngff: this.settings.ngff,
      outputChannels: this.spec.outputChannels,
      channelNames: this.spec.channelNames,
      channelKinds: this.spec.channelKinds,
      channelDownsample: this.spec.channelDownsample,
      noData: { voxels: this.counts.noDataVoxels, fraction: voxels > 0 ? this.counts.noDataVoxels / voxels : 0, writtenAs: 0 },
      chunks: summary.chunks,
      pyramid: summary.pyramid,
      levels: this.levels,
      chunkShape: this.settings.chunkShape,
      geometry: this.geometry,
      input: { url: this.settings.source, shape: [this.spec.channels, ...this.settings.shape], ...(this.options.inputDescription ?? {}) },
      output: this.url,
      resumed: summary.resumed,
      startedAt: this.startedAt,
      completedAt,
      timings: { ...summary.timings, chunkComputeSeconds: this.#computeSeconds },
      ...(options.extra ?? {}),
    };
    const metadata: Record<string, unknown> = { ...(this.options.metadata ?? {}), finalize: finalizeSection };

    await this.#writeNgff(metadata);
    await this.store.set(METADATA_KEY, jsonBytes(metadata));
    const marker: CompletionMarker = {
      format: 'voxelflow-finalize-complete',
      version: 1,
      complete: true,
      completedAt,
      writtenBy: `@voxelflow/finalize ${FINALIZE_VERSION}`,
      settings: this.settings,
      summary: summary as unknown as Record<string, unknown>,
    };
    await this.#checkpointing.catch(() => undefined);
    // The marker is the last write; the progress record is only cleaned up after it.
    await this.store.set(COMPLETE_MARKER_KEY, jsonBytes(marker));
    this.#finished = true;
    await this.store.delete(PROGRESS_KEY);
    return { ...summary, metadata };
  }

  async #writeNgff(metadata: Record<string, unknown>): Promise<void> {
    const g = this.geometry;
    const axes = standardAxes(this.#hasChannelAxis ? 'czyx' : 'zyx', g.unit);
    const lead = this.#hasChannelAxis ? 1 : 0;
    const scale = [...(lead ? [1] : []), ...g.scale];
    const hasOrigin = g.translation.some((t) => t !== 0);
    const datasets = pyramidDatasets({
      axes,
      levels: this.levels.length,
      scale,
      ...(hasOrigin ? { translation: [...(lead ? [0] : []), ...g.translation] } : {}),
      factor: 2,
      blockCentred: true,
    });
    const methods = [...new Set(this.spec.channelDownsample)];
    const multiscale = buildMultiscales({
      version: this.settings.ngff,
      axes,
      datasets,
      name: this.options.name ?? (basename(this.url.replace(/\/+$/, '')).replace(/\.(ome\.)?zarr$/i, '') || 'voxelflow'),
      type: methods.join('+'),
      metadata: {
        method: '@voxelflow/finalize',
        version: FINALIZE_VERSION,
        description:
          '2×2×2 blocks per level (sides halved, rounded up; partial edge blocks use the voxels present); ' +
          'translation = (2^k − 1)/2 level-0 voxels: each level voxel sits at the centre of its block',
        channels: this.spec.channelNames.map((name, c) => ({ name, kind: this.spec.channelKinds[c], downsampling: this.spec.channelDownsample[c] })),
      },
    });
    await writeNgffAttributes(this.store, '', { multiscales: [multiscale] }, this.settings.ngff, {
      otherAttributes: { voxelflow: { finalize: metadata['finalize'], run: this.options.metadata ?? {} } },
      replace: true,
    });
  }

  async #alreadyComplete(): Promise<FinalizeResult> {
    const summary = this.marker!.summary as unknown as Omit<FinalizeResult, 'metadata'>;
    const bytes = await this.store.get(METADATA_KEY);
    let metadata: Record<string, unknown> = {};
    if (bytes) {
      try {
        metadata = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      } catch {
        metadata = {};
      }
    }
    return { ...summary, status: 'already-complete', metadata };
  }

  #indexOf(linear: number): number[] {
    const out = new Array<number>(this.grid.length);
    let r = linear;
    for (let a = this.grid.length - 1; a >= 0; a--) {
      out[a] = r % this.grid[a]!;
      r = Math.floor(r / this.grid[a]!);
    }
    return out;
  }
}

function isAllZero(a: Uint8Array | Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}
