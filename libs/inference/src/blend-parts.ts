/**
 * `blend`: stage 2. Merges every part's stored patch logits with Gaussian weights into one (C, Z, Y, X)
 * float16 Zarr. Each stored patch is decoded exactly once and accumulated into every output chunk it
 * touches (the reference decoded it once per chunk, ~8×); patches are visited slab by slab, so only
 * the chunks of the active slab are in memory. Voxels no patch covered are NaN (no-data), the array's
 * fill value. The kernel runs on a Piscina pool over shared memory when `numWorkers` ≥ 1.
 */
import { availableParallelism } from 'node:os';
import { Accumulator, AccumulatePool, PooledAccumulator, divideChunk, type AccumulatedChunk } from '@voxelflow/blend';
import { gaussianImportanceMap } from '@voxelflow/tiling';
import { ChunkCache, createVolume, float16ToFloat32, float32ToFloat16, openVolume, type ZarrVolume } from '@voxelflow/volume-io';
import { AbortedError, InvalidOptionError, OutputConflictError } from './errors';
import { configHash, coordinatesPartName, joinUrl, listLogitsParts, logitsCodec, logitsPartName, type LogitsPartAttributes } from './logits-store';
import { ProgressTracker, type ProgressCallback } from './progress';

/** Options of {@link blend}. */
export interface BlendOptions {
  /** Directory holding `logits_part_*.zarr` / `coordinates_part_*.zarr` pairs. */
  parentDir: string;
  /** Output Zarr of blended logits (C, Z, Y, X) float16. */
  output: string;
  /** σ = patch / sigmaScale (default 8). */
  sigmaScale?: number;
  /** Spatial chunk of the output (default: the patch size). */
  chunkSize?: number[];
  /** Worker threads for accumulation (default: cores − 1, at least 1; 0 runs on the main thread). */
  numWorkers?: number;
  /** Blosc-zstd level of the output (default 1; 0 = uncompressed). */
  compressionLevel?: number;
  /** Also write Σw as a (Z, Y, X) float32 Zarr here (implies keepWeights). */
  weightsPath?: string;
  /** Keep the weight sums (at weightsPath, default `<output>_weights.zarr`). */
  keepWeights?: boolean;
  /** Replace an output made from other inputs. */
  overwrite?: boolean;
  /** Cancels the blend with an AbortedError; a rerun starts the blend again. */
  signal?: AbortSignal;
  /** Progress of phase 'blend', in patches. */
  onProgress?: ProgressCallback;
}

/** What {@link blend} did. */
export interface BlendResult {
  /** The blended logits Zarr. */
  output: string;
  /** Where the weight sums were written, when kept. */
  weightsPath?: string;
  /** Part ids found and blended. */
  parts: number[];
  /** Patches of all parts (stored and empty). */
  patches: number;
  /** Patches with stored logits (decoded once each). */
  decoded: number;
  /** Output chunks written. */
  chunksWritten: number;
  /** Logit voxels accumulated (patches × C × patch voxels). */
  logitVoxels: number;
  /** Stored (compressed) bytes of patch logits read. */
  bytesRead: number;
  /** Uncompressed float16 bytes of blended logits written. */
  bytesWritten: number;
  /** Largest memory held by open output chunks at once. */
  peakOpenBytes: number;
  /** Wall time of the call. */
  seconds: number;
  /** True when the output was already complete and nothing was done. */
  alreadyComplete: boolean;
}

interface PartInput {
  id: number;
  logits: ZarrVolume;
  starts: Int32Array;
  attrs: LogitsPartAttributes;
}

async function openParts(parentDir: string, cache: ChunkCache): Promise<PartInput[]> {
  const ids = await listLogitsParts(parentDir);
  if (ids.length === 0) {
    throw new InvalidOptionError(`no logits_part_*.zarr with coordinates_part_*.zarr in ${parentDir}; run voxelflow predict there first`);
  }
  const parts: PartInput[] = [];
  for (const id of ids) {
    const logits = (await openVolume(joinUrl(parentDir, logitsPartName(id)), { format: 'zarr2', cache })) as ZarrVolume;
    const coords = await openVolume(joinUrl(parentDir, coordinatesPartName(id)), { format: 'zarr2', cache });
    const n = coords.shape[0]!;
    const starts = n ? ((await coords.read({ start: [0, 0], stop: [n, 3] })).data as Int32Array) : new Int32Array(0);
    const attrs = logits.attributes as unknown as LogitsPartAttributes;
    if (!attrs.voxelflow?.complete) {
      throw new InvalidOptionError(`${logits.url} is incomplete; rerun voxelflow predict with --part-id ${id} (it resumes) before blending`);
    }
    parts.push({ id, logits, starts, attrs });
  }
  const first = parts[0]!.attrs;
  const numParts = first.num_parts;
  const missing = Array.from({ length: numParts }, (_, i) => i).filter((i) => !ids.includes(i));
  if (missing.length) {
    throw new InvalidOptionError(`${parentDir} lacks part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${numParts}; run voxelflow predict --part-id ${missing[0]} first`);
  }
  const base = (a: LogitsPartAttributes) => configHash({ ...a.voxelflow.config, part_id: 0 });
  for (const p of parts) {
    if (base(p.attrs) !== base(first) || p.attrs.num_parts !== numParts) {
      throw new InvalidOptionError(`${p.logits.url} was predicted with another configuration than part ${parts[0]!.id}; rerun it with the same flags`);
    }
  }
  return parts;
}

/** Merges predicted parts into blended logits. Rerun-safe: a complete output with the same inputs is kept. */
export async function blend(options: BlendOptions): Promise<BlendResult> {
  const t0 = performance.now();
  // Patch chunks are decoded once each: the cache only counts bytes, it need not hold them long.
  const cache = new ChunkCache({ maxBytes: 64 * 2 ** 20 });
  const parts = await openParts(options.parentDir, cache);
  const attrs = parts[0]!.attrs;
  const patchSize = attrs.patch_size;
  const shape = attrs.original_volume_shape;
  const channels = parts[0]!.logits.shape[1]!;
  const chunk = options.chunkSize ?? patchSize;
  if (chunk.length !== 3 || chunk.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new InvalidOptionError(`--chunk-size ${chunk.join(',')} must be three positive integers (Z, Y, X)`);
  }
  const sigmaScale = options.sigmaScale ?? 8;
  const blendConfig = {
    parts: parts.map((p) => p.attrs.voxelflow.config_hash),
    sigma_scale: sigmaScale,
    chunk_size: chunk,
  };
  const hash = configHash(blendConfig);

  // Rerun safety: the same blend, complete, is a no-op; anything else must be replaced explicitly.
  let existing: ZarrVolume | undefined;
  try {
    existing = (await openVolume(options.output, { format: 'zarr2' })) as ZarrVolume;
  } catch {
    existing = undefined;
  }
  const prev = existing?.attributes['voxelflow_blend'] as { config_hash?: string; complete?: boolean } | undefined;
  if (existing && prev?.config_hash === hash && prev.complete && !options.overwrite) {
    return { output: options.output, parts: parts.map((p) => p.id), patches: 0, decoded: 0, chunksWritten: 0, logitVoxels: 0, bytesRead: 0, bytesWritten: 0, peakOpenBytes: 0, seconds: (performance.now() - t0) / 1000, alreadyComplete: true };
  }
  if (existing && prev?.config_hash !== hash && !options.overwrite) {
    throw new OutputConflictError(`${options.output} holds a blend of other inputs or settings; choose another output or pass --overwrite`);
  }

  const outAttrs = {
    ...attrs,
    // finalize reads `voxelflow.geometry` for the output's NGFF scale, translation and unit.
    voxelflow: { ...attrs.voxelflow, geometry: attrs.voxelflow.config['input_geometry'] },
    patch_size: patchSize,
    original_volume_shape: shape,
    sigma_scale: sigmaScale,
    voxelflow_blend: { config: blendConfig, config_hash: hash, complete: false, no_data: 'NaN' },
  };
  const out = await createVolume(options.output, {
    format: 'zarr2',
    shape: [channels, ...shape],
    dtype: 'float16',
    chunkShape: [1, ...chunk],
    codec: logitsCodec('zstd', options.compressionLevel ?? 1),
    fillValue: NaN,
    dimensionSeparator: '.',
    overwrite: true,
    attributes: outAttrs,
  });
  const weightsPath = options.weightsPath ?? (options.keepWeights ? `${options.output.replace(/\/+$/, '').replace(/\.zarr$/, '')}_weights.zarr` : undefined);
  const weightsOut = weightsPath
    ? await createVolume(weightsPath, { format: 'zarr2', shape, dtype: 'float32', chunkShape: chunk, codec: logitsCodec('zstd', 1), fillValue: 0, dimensionSeparator: '.', overwrite: true })
    : undefined;

  // Every patch of every part, in row-major order of starts: chunks complete slab by slab.
  const patches: { part: PartInput; slot: number; start: number[] }[] = [];
  for (const part of parts) {
    for (let i = 0; i < part.starts.length / 3; i++) {
      patches.push({ part, slot: i, start: [part.starts[i * 3]!, part.starts[i * 3 + 1]!, part.starts[i * 3 + 2]!] });
    }
  }
  patches.sort((a, b) => a.start[0]! - b.start[0]! || a.start[1]! - b.start[1]! || a.start[2]! - b.start[2]!);
  const positions = [0, 1, 2].map((a) => [...new Set(patches.map((p) => p.start[a]!))].sort((x, y) => x - y));
  const weights = gaussianImportanceMap(patchSize, sigmaScale);
  const accOptions = { shape, chunkShape: chunk, channels, patchSize, weights, positions };
  const workers = options.numWorkers ?? Math.max(1, availableParallelism() - 1);
  const pool = workers > 0 ? new AccumulatePool(workers) : undefined;
  const pooled = pool ? new PooledAccumulator(accOptions, pool) : undefined;
  const serial = pool ? undefined : new Accumulator(accOptions);

  const progress = new ProgressTracker('blend', patches.length, 'patches', options.onProgress);
  const patchVoxels = patchSize.reduce((a, b) => a * b, 1);
  let decoded = 0;
  let chunksWritten = 0;
  let bytesWritten = 0;
  let workerBytesRead = 0;
  const writes = new Set<Promise<void>>();
  let writeError: unknown;
  const divided = new Float32Array(channels * chunk.reduce((a, b) => a * b, 1));
  const writeChunk = (c: AccumulatedChunk) => {
    const vox = c.weight.length;
    const logits = divideChunk(c.sum, c.weight, channels, divided.subarray(0, channels * vox));
    const data = float32ToFloat16(logits, new Uint16Array(logits.length));
    const stop = c.start.map((s, a) => s + c.shape[a]!);
    const p = out
      .write({ start: [0, ...c.start], stop: [channels, ...stop] }, { data, shape: [channels, ...c.shape] })
      .then(async () => {
        if (weightsOut) await weightsOut.write({ start: [...c.start], stop }, { data: c.weight, shape: [...c.shape] });
        chunksWritten++;
        bytesWritten += data.byteLength;
      })
      .catch((e: unknown) => {
        writeError ??= e;
      })
      .finally(() => writes.delete(p));
    writes.add(p);
  };

  const inFlight = new Set<Promise<void>>();
  const maxInFlight = Math.max(2, workers * 2);
  const free: Float32Array[] = [];
  try {
    for (const p of patches) {
      if (options.signal?.aborted) throw new AbortedError('blend cancelled; rerun to redo it');
      if (writeError) throw writeError;
      const coords = [p.slot, 0, 0, 0, 0];
      if (!(await p.part.logits.hasChunk(coords))) {
        const done = serial ? serial.skip(p.start) : await pooled!.skip(p.start);
        done.forEach(writeChunk);
        progress.advance(1, 1);
        continue;
      }
      decoded++;
      if (serial) {
        const nd = await p.part.logits.read({ start: coords, stop: [p.slot + 1, channels, ...patchSize] });
        serial.add(p.start, float16ToFloat32(nd.data as Uint16Array)).forEach(writeChunk);
        progress.advance(1);
        continue;
      }
      // The workers decode the stored patch into shared memory, then accumulate it: decoding is most
      // of a blend's work, so it is what the workers must share.
      const buf = free.pop() ?? pooled!.allocatePatch();
      const task: Promise<void> = pool!
        .decodePatch({ url: p.part.logits.url, slot: p.slot, channels, patchSize: [...patchSize], out: buf })
        .then((fetched) => {
          workerBytesRead += fetched;
          return pooled!.add(p.start, buf);
        })
        .then((done) => {
          done.forEach(writeChunk);
          free.push(buf);
          progress.advance(1);
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const left = serial ? serial.drain() : await pooled!.drain();
    if (left.length) throw new Error(`internal: ${left.length} output chunks did not complete; the parts do not form the grid they claim`);
    await Promise.all(writes);
    if (writeError) throw writeError;
  } finally {
    await pool?.destroy();
  }
  await out.setAttributes({ ...outAttrs, voxelflow_blend: { ...outAttrs.voxelflow_blend, complete: true } });
  progress.emit(true);
  return {
    output: options.output,
    weightsPath,
    parts: parts.map((p) => p.id),
    patches: patches.length,
    decoded,
    chunksWritten,
    logitVoxels: decoded * channels * patchVoxels,
    bytesRead: cache.stats.bytesFetched + workerBytesRead,
    bytesWritten,
    peakOpenBytes: (serial ?? pooled)!.peakOpenBytes,
    seconds: (performance.now() - t0) / 1000,
    alreadyComplete: false,
  };
}
