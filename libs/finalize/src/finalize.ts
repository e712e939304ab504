/**
 * `finalize(options)`: the staged Stage 3. Reads blended logits ((C, Z, Y, X) float16/float32, NaN =
 * no-data) chunk by chunk, finalizes each chunk through the shared writer (`createFinalizeOutput`)
 * and finishes the output (pyramid, NGFF metadata, metadata.json, completion marker). Memory is a
 * few chunks (one input and one output buffer per task in flight, plus a bounded chunk cache).
 *
 * Input chunks that are absent from storage are no-data, whatever the array's fill value: neither
 * VoxelFlow's blend nor the reference writes chunks no patch touched, and reading them as logit 0
 * would make p = 0.5 phantoms. They are counted and not read (a sparse `--bbox` output costs only
 * its real chunks). The work is single-threaded here; `finalizeChunk` is pure, so a worker pool
 * could run it unchanged.
 */
import { StoreError, openStore, type Store } from '@voxelflow/remote-storage';
import { ChunkCache, FormatError, float16ToFloat32, openVolume, type Volume } from '@voxelflow/volume-io';
import { gridIndices } from './chunk-set';
import { FinalizeError, FinalizeInputError, FinalizeOptionsError } from './errors';
import { createFinalizeOutput, type FinalizeOutputOptions, type FinalizeResult } from './finalize-output';
import type { FinalizeChunkOptions, FinalizeMode } from './finalize-spec';
import { geometryFromInput } from './output-geometry';
import {
  deleteAll,
  differentSettingsError,
  normalizeSource,
  readOutputState,
  settingsDifferences,
  type FinalizeSettings,
} from './output-state';
import { runLimited } from './run-limited';
import { resolveThreshold } from './threshold';

/** Options of {@link finalize}. */
export interface FinalizeOptions extends Omit<FinalizeChunkOptions, 'mode'> {
  /** Blended logits: a Zarr array (or OME-Zarr) of shape (C, Z, Y, X), float16 or float32. */
  input: string;
  /** Output OME-Zarr group (local path, file://, s3://). */
  output: string;
  /** 'binary' (default) or 'multiclass'. */
  mode?: FinalizeMode;
  /** Output spatial chunk shape (default: the input's spatial chunks). One number means a cube. */
  chunkSize?: number | readonly number[];
  /** '0.4' (default) or '0.5'. */
  ngff?: '0.4' | '0.5';
  /** Number of pyramid levels (default: until the smallest side is under one chunk). */
  levels?: number;
  /** Delete the input after the output is complete. */
  deleteIntermediates?: boolean;
  /** The caller's run record, stored in metadata.json and the NGFF attributes. */
  metadata?: Record<string, unknown>;
  /** Cancels the run: it rejects with `signal.reason` (an AbortError unless given another), and a rerun resumes. */
  signal?: AbortSignal;
  /** Progress of phase 'finalize' (level-0 chunks), then 'pyramid' (chunks of levels 1…). */
  onProgress?: FinalizeOutputOptions['onProgress'];
  /** Minimum milliseconds between progress events (default 250). */
  progressIntervalMs?: number;
  /** Replace an existing output made with other options (default false). */
  overwrite?: boolean;
  /** Chunk tasks in flight (default 2: I/O of one overlaps the compute of the other). */
  concurrency?: number;
  /** Bytes of decoded input chunks cached (default 128 MiB); matters when output chunks differ from input chunks. */
  cacheBytes?: number;
  /** Seconds between progress-record checkpoints (default 5). */
  checkpointSeconds?: number;
  /** Opened stores for `input` / `output` (tests, custom S3 endpoints). */
  inputStore?: Store;
  /** An opened store whose root is `output`. */
  outputStore?: Store;
}

function chunkSizeOf(v: FinalizeOptions['chunkSize']): number[] | undefined {
  if (v === undefined) return undefined;
  const list = typeof v === 'number' ? [v, v, v] : [...v];
  if (list.length !== 3 || list.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new FinalizeOptionsError(`chunkSize ${JSON.stringify(v)} must be one positive integer or three (z, y, x)`);
  }
  return list;
}

/** What a request fixes before the input is opened (fields left to the input stay undefined). */
function requestedSettings(options: FinalizeOptions, chunkSize: number[] | undefined): Partial<FinalizeSettings> {
  const threshold = resolveThreshold(options.threshold);
  return {
    source: normalizeSource(options.input),
    mode: options.mode ?? 'binary',
    threshold,
    dtype: options.dtype ?? 'uint8',
    rounding: options.rounding ?? 'nearest',
    maskDownsample: options.maskDownsample ?? 'max',
    ngff: options.ngff ?? '0.4',
    ...(options.activation !== undefined ? { activation: options.activation } : {}),
    ...(chunkSize !== undefined ? { chunkShape: chunkSize } : {}),
    ...(options.levels !== undefined ? { levels: options.levels } : {}),
  };
}

async function openInput(options: FinalizeOptions, cache: ChunkCache): Promise<Volume> {
  let volume: Volume;
  try {
    volume = await openVolume(options.input, { cache, ...(options.inputStore ? { store: options.inputStore } : {}) });
  } catch (err) {
    if (err instanceof FormatError || err instanceof StoreError) {
      throw new FinalizeInputError(`cannot read blended logits at ${options.input}: ${err.message}`, options.input, { cause: err });
    }
    throw err;
  }
  if (volume.shape.length !== 4) {
    throw new FinalizeInputError(
      `${options.input} has shape (${volume.shape.join(', ')}), rank ${volume.shape.length}; finalize needs blended logits of shape (C, Z, Y, X) — run blend first`,
      options.input,
    );
  }
  if (volume.dtype !== 'float16' && volume.dtype !== 'float32') {
    throw new FinalizeInputError(`${options.input} holds ${volume.dtype}; blended logits are float16 or float32 — is this already a finalized output?`, options.input);
  }
  return volume;
}

/**
 * Finalizes blended logits into an OME-Zarr multiscale output (see the package README). A rerun on
 * a complete output with the same options returns at once with status 'already-complete'; on an
 * incomplete one it resumes. Throws FinalizeInputError, FinalizeOptionsError,
 * FinalizeOutputExistsError, or `signal.reason` when aborted (the output then stays incomplete).
 */
export async function finalize(options: FinalizeOptions): Promise<FinalizeResult> {
  const chunkSize = chunkSizeOf(options.chunkSize);
  const request = requestedSettings(options, chunkSize);
  const outStore = options.outputStore ?? (await openStore(options.output));
  if (request.source === normalizeSource(outStore.url)) {
    throw new FinalizeOptionsError(`input and output are the same location (${options.input}); write the output elsewhere`);
  }

  // A complete output with the same options: nothing to do, and the input may already be deleted.
  if (!options.overwrite) {
    const state = await readOutputState(outStore);
    if (state.kind === 'complete') {
      const diff = settingsDifferences(state.marker.settings, request);
      if (diff.length > 0) throw differentSettingsError(outStore.url, true, diff);
      const output = await createFinalizeOutput({
        ...outputOptions(options, outStore, state.marker.settings.channels, state.marker.settings.shape, state.marker.settings.chunkShape),
        levels: state.marker.settings.levels,
        activation: state.marker.settings.activation,
      });
      const result = await output.finish();
      return await maybeDeleteInput(options, outStore, result);
    }
  }

  const cache = new ChunkCache({ maxBytes: options.cacheBytes ?? 128 * 1024 * 1024 });
  const input = await openInput(options, cache);
  const channels = input.shape[0]!;
  const shape = input.shape.slice(1);
  const chunkShape = chunkSize ?? input.chunkShape.slice(1);
  const output = await createFinalizeOutput({
    ...outputOptions(options, outStore, channels, shape, chunkShape),
    geometry: geometryFromInput(input),
    inputDescription: {
      dtype: input.dtype,
      chunkShape: [...input.chunkShape],
      fillValue: Number.isNaN(input.fillValue) ? 'NaN' : input.fillValue,
      attributes: input.attributes,
    },
  });
  if (output.status === 'complete') return maybeDeleteInput(options, outStore, await output.finish());

  const inChunk = input.chunkShape;
  const n = chunkShape.reduce((a, b) => a * b, 1) * channels;
  const limit = Math.max(1, options.concurrency ?? 2);
  const buffers = Array.from({ length: limit }, () => new Float32Array(n));
  try {
    await runLimited(
      gridIndices(output.grid),
      limit,
      async (index, slot) => {
        if (output.isChunkDone(index)) return;
        const box = output.chunkBox(index);
        if (!(await anyInputChunk(input, channels, box, inChunk))) {
          await output.writeNoDataChunk(index);
          return;
        }
        const ext = box.stop.map((s, a) => s - box.start[a]!);
        const count = channels * ext[0]! * ext[1]! * ext[2]!;
        const block = await input.read({ start: [0, ...box.start], stop: [channels, ...box.stop] });
        const logits =
          input.dtype === 'float16'
            ? float16ToFloat32(block.data as Uint16Array, buffers[slot]!.subarray(0, count))
            : (block.data as Float32Array);
        await output.writeChunk(index, logits);
      },
      options.signal,
    );
  } catch (err) {
    // Keep what is done for the rerun, then report the original failure.
    await output.close().catch(() => undefined);
    throw err;
  }
  const result = await output.finish().catch(async (err: unknown) => {
    await output.close().catch(() => undefined);
    throw err;
  });
  return maybeDeleteInput(options, outStore, result);
}

function outputOptions(
  options: FinalizeOptions,
  store: Store,
  channels: number,
  shape: readonly number[],
  chunkShape: readonly number[],
): FinalizeOutputOptions {
  return {
    output: options.output,
    store,
    shape,
    channels,
    chunkShape,
    mode: options.mode ?? 'binary',
    source: options.input,
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    ...(options.dtype !== undefined ? { dtype: options.dtype } : {}),
    ...(options.activation !== undefined ? { activation: options.activation } : {}),
    ...(options.rounding !== undefined ? { rounding: options.rounding } : {}),
    ...(options.maskDownsample !== undefined ? { maskDownsample: options.maskDownsample } : {}),
    ...(options.ngff !== undefined ? { ngff: options.ngff } : {}),
    ...(options.levels !== undefined ? { levels: options.levels } : {}),
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
    ...(options.overwrite !== undefined ? { overwrite: options.overwrite } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
    ...(options.checkpointSeconds !== undefined ? { checkpointSeconds: options.checkpointSeconds } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  };
}

/** Whether any stored input chunk (any channel) intersects the spatial box. */
async function anyInputChunk(input: Volume, channels: number, box: { start: number[]; stop: number[] }, chunk: readonly number[]): Promise<boolean> {
  const cHi = Math.floor((channels - 1) / chunk[0]!);
  const lo = box.start.map((s, a) => Math.floor(s / chunk[a + 1]!));
  const hi = box.stop.map((s, a) => Math.floor((s - 1) / chunk[a + 1]!));
  for (let c = 0; c <= cHi; c++) {
    for (let z = lo[0]!; z <= hi[0]!; z++) {
      for (let y = lo[1]!; y <= hi[1]!; y++) {
        for (let x = lo[2]!; x <= hi[2]!; x++) if (await input.hasChunk([c, z, y, x])) return true;
      }
    }
  }
  return false;
}

/** Deletes the input after a complete output when asked (never when one contains the other). */
async function maybeDeleteInput(options: FinalizeOptions, outStore: Store, result: FinalizeResult): Promise<FinalizeResult> {
  if (!options.deleteIntermediates) return result;
  const input = normalizeSource(options.input);
  const output = normalizeSource(outStore.url);
  if (input === output || output.startsWith(`${input}/`) || input.startsWith(`${output}/`)) {
    throw new FinalizeOptionsError(`deleteIntermediates: the input ${options.input} and the output ${outStore.url} overlap; not deleting anything`);
  }
  const store = options.inputStore ?? (await openStore(options.input));
  try {
    const deleted = await deleteAll(store);
    return { ...result, deletedIntermediates: deleted };
  } catch (err) {
    throw new FinalizeError(`the output is complete, but deleting the input ${options.input} failed (${(err as Error).message}); delete it by hand`, { cause: err });
  }
}
