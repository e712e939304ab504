/**
 * `runPipeline`: predict → blend → finalize on one machine. Fused by default (patch logits go straight
 * into the Accumulator and finished chunks straight into the final OME-Zarr; nothing intermediate is
 * stored); `staged` runs the three stages through stores, as the Vesuvius tools do. Parts run in child
 * processes: one per GPU (each sees only its device through CUDA_VISIBLE_DEVICES), or, without GPUs,
 * one per CPU worker with a one-thread session each. A single part runs in this process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { finalize, readOutputState, resolveThreshold, settingsDifferences, type FinalizeResult } from '@voxelflow/finalize';
import { openStore } from '@voxelflow/remote-storage';
import { openVolume } from '@voxelflow/volume-io';
import { blend, type BlendResult } from './blend-parts';
import { ChunkCollector } from './chunk-collector';
import { AbortedError, InferenceError, InvalidOptionError } from './errors';
import { runFusedPart, type FusedPartOptions, type FusedPartResult } from './fused';
import { joinUrl, type LogitsCompressor } from './logits-store';
import { resolveModel } from './model-resolution';
import type { ChildJob, ChildMessage } from './pipeline-child';
import type { PredictResult } from './predict';
import type { ProgressEvent } from './progress';

/** Version of VoxelFlow recorded in run metadata. */
export const VOXELFLOW_VERSION = '0.1.0';

/** Options of {@link runPipeline}: the run options of predict plus finalize's output options. */
export interface PipelineOptions extends Omit<FusedPartOptions, 'partId' | 'numParts' | 'onProgress'> {
  /** Final OME-Zarr output. */
  output: string;
  /** Intermediate stores of the staged route (default `<output>_work`). */
  workdir?: string;
  /** 'binary' (default): foreground probability or mask; 'multiclass': class probabilities + argmax. */
  mode?: 'binary' | 'multiclass';
  /** Masks instead of probabilities: `true` (p > 0.5) or a cutoff in (0, 1). */
  threshold?: boolean | number;
  /** 'uint8' (default: p · 255) or 'float32' probabilities. */
  dtype?: 'uint8' | 'float32';
  /** OME-NGFF '0.4' (default, Zarr v2) or '0.5' (Zarr v3). */
  ngff?: '0.4' | '0.5';
  /** Run predict → blend → finalize through stores instead of the fused pass. */
  staged?: boolean;
  /** Staged only: reuse the logits parts already in the workdir. */
  skipPredict?: boolean;
  /** Staged only: reuse the blended logits already in the workdir. */
  skipBlend?: boolean;
  /** Staged only: stop after blending. */
  skipFinalize?: boolean;
  /** Keep the staged route's intermediate stores. */
  keepIntermediates?: boolean;
  /** GPU ids: one part process per GPU. Empty or absent: CPU. */
  gpus?: number[];
  /** Parts per GPU (default 1). */
  partsPerGpu?: number;
  /** CPU part processes (default: the cores when `backendModule` is given, else 1, in this process). */
  workers?: number;
  /** Logits compression of the staged route. */
  compressor?: LogitsCompressor;
  /** Logits compression level of the staged route (default 3). */
  compressionLevel?: number;
  /** Accumulation threads of the staged blend. */
  blendWorkers?: number;
  /** Module and export of the backend factory, for part processes (e.g. @voxelflow/runtime-onnx, createOnnxBackend). */
  backendModule?: {
    /** Module specifier part processes import, e.g. `@voxelflow/runtime-onnx`. */
    specifier: string;
    /** Name of the exported BackendFactory, e.g. `createOnnxBackend`. */
    exportName: string;
  };
  /** Replace outputs made with other settings (default false: such outputs are refused). */
  overwrite?: boolean;
  /** Extra fields for metadata.json. */
  metadata?: Record<string, unknown>;
  /** Progress of every part (`label` says which) and stage. */
  onProgress?: (event: ProgressEvent, label: string) => void;
  /** One-line notes (stage starts, skips). */
  onLog?: (message: string) => void;
}

/** What {@link runPipeline} did. */
export interface PipelineResult {
  /** The final OME-Zarr. */
  output: string;
  /** Which route ran. */
  route: 'fused' | 'staged';
  /** Number of parts the grid was split into. */
  numParts: number;
  /** One result per part: FusedPartResult (fused) or PredictResult (staged; empty with `skipPredict`). */
  parts: (FusedPartResult | PredictResult)[];
  /** The staged route's blend (absent when fused or skipped). */
  blend?: BlendResult;
  /** The finalize result (absent with `skipFinalize`). */
  finalize?: FinalizeResult;
  /** Wall time of the call. */
  seconds: number;
  /** True when the output was already complete with these settings and nothing ran. */
  alreadyComplete?: boolean;
}

/** Where the part-process entry is, and how Node must start to load it. */
function childLocation(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('./pipeline-child.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: [] };
  // Source mode (tests, development): load TypeScript through tsx, resolved from here, not from the cwd.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { path: fileURLToPath(new URL('./pipeline-child.ts', import.meta.url)), execArgv: ['--conditions=@voxelflow/source', '--import', tsx] };
}

interface PartPlan {
  label: string;
  partIds: number[];
  env: Record<string, string>;
  device: string;
  threads?: number;
}

function planParts(o: PipelineOptions): { numParts: number; plans: PartPlan[] } {
  const gpus = o.gpus ?? [];
  if (gpus.length > 0) {
    const per = o.partsPerGpu ?? 1;
    if (!Number.isInteger(per) || per < 1) throw new InvalidOptionError(`--parts-per-gpu ${per} must be a positive integer`);
    return {
      numParts: gpus.length * per,
      plans: gpus.map((g, i) => ({
        label: `gpu ${g}`,
        partIds: Array.from({ length: per }, (_, k) => i * per + k),
        env: { CUDA_VISIBLE_DEVICES: String(g), CUDA_DEVICE_ORDER: 'PCI_BUS_ID' },
        // The child sees only its GPU, as device 0.
        device: o.device && o.device !== 'cpu' ? o.device.replace(/:\d+$/, '') : 'cuda',
        threads: o.threads,
      })),
    };
  }
  // Part processes need the backend's module; a library caller who gave only a factory runs in-process.
  const workers = o.workers ?? (o.backendModule ? availableParallelism() : 1);
  if (!Number.isInteger(workers) || workers < 1) throw new InvalidOptionError(`--workers ${workers} must be a positive integer`);
  return {
    numParts: workers,
    plans: Array.from({ length: workers }, (_, i) => ({
      label: `part ${i}`,
      partIds: [i],
      env: {},
      device: o.device ?? 'cpu',
      // Several one-thread sessions on different patches beat one many-thread session on CPUs.
      threads: o.threads ?? (workers > 1 ? 1 : undefined),
    })),
  };
}

/** Serializable part of the options, for child processes. */
function childOptions(o: PipelineOptions): ChildJob['options'] {
  const { backendFactory: _b, backends: _bs, signal: _s, onProgress: _p, onLog: _l, backendModule: _m, metadata: _md, ...rest } = o;
  return rest as ChildJob['options'];
}

/** Runs one part plan in a child process; resolves with the part results. */
function runChild(
  plan: PartPlan,
  job: ChildJob,
  onMessage: (msg: ChildMessage) => Promise<void>,
  signal?: AbortSignal,
): Promise<unknown[]> {
  const { path, execArgv } = childLocation();
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(path, [], {
      env: { ...process.env, ...plan.env },
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const results: unknown[] = [];
    let failure: Error | undefined;
    // Messages are handled in order: a chunk is written before the next one is taken.
    let chain = Promise.resolve();
    const abort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', abort, { once: true });
    child.on('message', (msg: ChildMessage) => {
      chain = chain.then(async () => {
        if (failure) return;
        if (msg.type === 'done') results.push(msg.result);
        else if (msg.type === 'error') {
          failure = Object.assign(new InferenceError(msg.message), { name: msg.name, exitCode: msg.exitCode });
        } else await onMessage(msg);
      }).catch((e: unknown) => {
        failure ??= e instanceof Error ? e : new Error(String(e));
        child.kill('SIGTERM');
      });
    });
    child.on('error', (e) => (failure ??= e));
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', abort);
      void chain.then(() => {
        if (failure) reject(failure);
        else if (signal?.aborted) reject(new AbortedError('pipeline cancelled; rerun the same command to resume'));
        else if (code !== 0) reject(new InferenceError(`${plan.label} exited with ${sig ?? `code ${code}`} before finishing; see the messages above`));
        else resolve(results);
      });
    });
    child.send({ ...job, partIds: plan.partIds });
  });
}

/** Runs the pipeline; see the module comment. */
export async function runPipeline(o: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  const log = o.onLog ?? (() => undefined);
  if (!o.staged && (o.skipPredict || o.skipBlend || o.skipFinalize)) {
    throw new InvalidOptionError('--skip-predict/--skip-blend/--skip-finalize apply to the staged route; add --staged');
  }
  const { numParts, plans } = planParts(o);
  const inProcess = plans.length === 1 && (o.gpus ?? []).length === 0;
  if (!inProcess && !o.backendModule) {
    throw new InvalidOptionError('several part processes need backendModule (the module that exports the backend factory)');
  }
  if (!inProcess) {
    // Fetch hub models once here, so the part processes find them in the cache: processes that
    // download the same file into one Hugging Face cache at once race on its final rename.
    const models = o.model === undefined ? [] : Array.isArray(o.model) ? o.model : [o.model];
    for (const m of models) if (m.startsWith('hf://')) await resolveModel(m);
  }
  const input = await openVolume(o.input, { format: o.inputFormat, level: o.inputLevel });
  const spatialShape = input.shape.slice(-3);
  const runRecord = (parts: (FusedPartResult | PredictResult)[]) => {
    const first = parts[0] as (FusedPartResult & PredictResult) | undefined;
    const config = (first?.setup?.config ?? first?.config ?? {}) as Record<string, unknown>;
    return {
      voxelflow_version: VOXELFLOW_VERSION,
      runtime: (first as FusedPartResult | undefined)?.runtime ?? null,
      route: o.staged ? 'staged' : 'fused',
      input: o.input,
      input_level: o.inputLevel ?? 0,
      models: config['models'],
      normalization: config['normalization'],
      tta: config['tta'],
      tta_transforms: config['tta_transforms'],
      patch_size: config['patch_size'],
      overlap: config['overlap'],
      grid: config['grid'],
      sigma_scale: o.sigmaScale ?? 8,
      bbox: o.bbox ?? null,
      num_parts: numParts,
      devices: plans.map((p) => ({ label: p.label, device: p.device, parts: p.partIds })),
      batch_size: o.batchSize ?? 1,
      skip_empty: o.skipEmpty ?? true,
      ...o.metadata,
    };
  };

  if (!o.staged) {
    // A rerun on a finished output with the same settings is a no-op (other settings: the finalize
    // writer refuses them below, unless overwrite).
    if (!o.overwrite) {
      const state = await readOutputState(await openStore(o.output));
      if (state.kind === 'complete') {
        const diff = settingsDifferences(state.marker.settings, {
          mode: o.mode ?? 'binary',
          threshold: resolveThreshold(o.threshold),
          dtype: o.dtype ?? 'uint8',
          ngff: o.ngff ?? '0.4',
          shape: spatialShape,
          ...(o.chunkSize ? { chunkShape: o.chunkSize } : {}),
        });
        if (diff.length === 0) {
          log(`${o.output} is already complete with these settings; nothing to do (pass --overwrite to redo it)`);
          return { output: o.output, route: 'fused', numParts, parts: [], seconds: (performance.now() - t0) / 1000, alreadyComplete: true };
        }
      }
    }
    const collector = new ChunkCollector({
      output: o.output,
      shape: spatialShape,
      chunkShape: o.chunkSize ?? o.patchSize ?? [64, 64, 64],
      mode: o.mode ?? 'binary',
      threshold: o.threshold,
      dtype: o.dtype,
      ngff: o.ngff,
      geometry: input.geometry,
      source: o.input,
      overwrite: o.overwrite,
      signal: o.signal,
    });
    let parts: FusedPartResult[];
    if (inProcess) {
      const plan = plans[0]!;
      const r = await runFusedPart(
        { ...o, partId: 0, numParts: 1, device: plan.device, threads: plan.threads, onProgress: (e) => o.onProgress?.(e, plan.label) },
        {
          begin: async ({ channels, setup }) => {
            if (!o.chunkSize && !o.patchSize) collector.setChunkShape(setup.patchSize);
            const out = await collector.begin(channels);
            if (out.status === 'complete') log(`${o.output} is already complete; nothing to do`);
          },
          complete: (chunk, logits) => collector.complete(chunk.index, logits),
          partial: (chunk) => collector.partial(chunk.index, chunk.sum, chunk.weight, chunk.counted, chunk.expected, chunk.sum.length / chunk.weight.length),
          isDone: (index) => collector.isDone(index),
        },
      );
      parts = [r];
    } else {
      const job: ChildJob = { kind: 'fused', partIds: [], numParts, backendModule: o.backendModule!, options: childOptions(o) };
      const perChild = await Promise.all(
        plans.map((plan) =>
          runChild(
            plan,
            { ...job, options: { ...job.options, device: plan.device, threads: plan.threads } },
            async (msg) => {
              if (msg.type === 'progress') o.onProgress?.(msg.event as ProgressEvent, plans.length > 1 ? `part ${msg.partId}` : plan.label);
              else if (msg.type === 'begin') {
                if (!collector.ready) collector.setChunkShape(msg.chunkShape);
                await collector.begin(msg.channels);
              }
              else if (msg.type === 'chunk') await collector.complete(msg.index, msg.logits);
              else if (msg.type === 'partial') await collector.partial(msg.index, msg.sum, msg.weight, msg.counted, msg.expected, msg.channels);
            },
            o.signal,
          ),
        ),
      );
      parts = perChild.flat() as FusedPartResult[];
    }
    if (collector.pendingPartials > 0) {
      throw new InferenceError(`${collector.pendingPartials} output chunks still wait for parts that did not report; rerun to complete them`);
    }
    const out = await collector.ready!;
    const fin = await out.finish({ remainingAreNoData: true, extra: { run: runRecord(parts), merged_boundary_chunks: collector.mergedChunks } });
    return { output: o.output, route: 'fused', numParts, parts, finalize: fin, seconds: (performance.now() - t0) / 1000 };
  }

  // Staged: predict parts into the workdir, blend, finalize.
  const workdir = o.workdir ?? `${o.output.replace(/\/+$/, '')}_work`;
  const logitsDir = joinUrl(workdir, 'logits');
  const blended = joinUrl(workdir, 'blended.zarr');
  let parts: PredictResult[] = [];
  if (!o.skipPredict) {
    log(`predict: ${numParts} part${numParts > 1 ? 's' : ''} → ${logitsDir}`);
    if (inProcess) {
      const { predict } = await import('./predict');
      const plan = plans[0]!;
      parts = [await predict({ ...o, output: logitsDir, partId: 0, numParts: 1, device: plan.device, threads: plan.threads, onProgress: (e) => o.onProgress?.(e, plan.label) })];
    } else {
      const job: ChildJob = { kind: 'predict', partIds: [], numParts, backendModule: o.backendModule!, options: { ...childOptions(o), output: logitsDir } };
      const perChild = await Promise.all(
        plans.map((plan) =>
          runChild(plan, { ...job, options: { ...job.options, device: plan.device, threads: plan.threads } }, async (msg) => {
            if (msg.type === 'progress') o.onProgress?.(msg.event as ProgressEvent, `part ${msg.partId}`);
          }, o.signal),
        ),
      );
      parts = perChild.flat() as PredictResult[];
    }
  }
  let blendResult: BlendResult | undefined;
  if (!o.skipBlend) {
    log(`blend → ${blended}`);
    blendResult = await blend({
      parentDir: logitsDir,
      output: blended,
      sigmaScale: o.sigmaScale,
      chunkSize: o.chunkSize,
      numWorkers: o.blendWorkers,
      overwrite: o.overwrite,
      signal: o.signal,
      onProgress: (e) => o.onProgress?.(e, 'blend'),
    });
  }
  let fin: FinalizeResult | undefined;
  if (!o.skipFinalize) {
    log(`finalize → ${o.output}`);
    fin = await finalize({
      input: blended,
      output: o.output,
      mode: o.mode ?? 'binary',
      threshold: o.threshold,
      dtype: o.dtype,
      ngff: o.ngff,
      overwrite: o.overwrite,
      signal: o.signal,
      metadata: { run: runRecord(parts) },
      onProgress: (e) => o.onProgress?.(e as ProgressEvent, 'finalize'),
    });
    if (!o.keepIntermediates) {
      const store = await openStore(workdir);
      for (const key of await store.list('')) await store.delete(key);
      log(`removed intermediates in ${workdir} (keep them with --keep-intermediates)`);
    }
  }
  return { output: o.output, route: 'staged', numParts, parts, blend: blendResult, finalize: fin, seconds: (performance.now() - t0) / 1000 };
}
