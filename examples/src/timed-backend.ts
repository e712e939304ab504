/**
 * A custom backend: `withTimings(factory)` wraps any BackendFactory so that every backend it makes
 * times each `run` and records it in a shared {@link TimingLog}. The engine sees an ordinary
 * ModelBackend; nothing in `inference` knows about the wrapper (the same way zarrita wraps stores).
 *
 *   npx tsx --conditions=@voxelflow/source examples/src/timed-backend.ts [--input vol.zarr]
 *     [--model m.onnx] [--out DIR] [--batch-size 2]
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  predict,
  type BackendFactory,
  type BackendOptions,
  type ModelBackend,
  type PredictResult,
  type ResolvedModel,
  type Tensor,
} from '@voxelflow/inference';
import { createOnnxBackend } from '@voxelflow/runtime-onnx';
import type { Box } from '@voxelflow/volume-io';
import { isMain, testData } from './example-support';

/** One `run` call of a timed backend. */
export interface RunTiming {
  /** The model's short name (`ResolvedModel.name`). */
  model: string;
  /** Patches in the batch (dimension 0 of the input). */
  batch: number;
  /** Wall time of the call, from before `run` to its result. */
  milliseconds: number;
}

/** Per-model totals of a {@link TimingLog}. */
export interface TimingSummary {
  model: string;
  runs: number;
  patches: number;
  totalMs: number;
  meanMs: number;
}

/** Every run of every backend made by one {@link withTimings} factory, in call order. */
export class TimingLog {
  /** One entry per `run` call. */
  readonly entries: RunTiming[] = [];

  /** Count, total and mean per model, in the order the models first ran. */
  summary(): TimingSummary[] {
    const by = new Map<string, TimingSummary>();
    for (const e of this.entries) {
      const s = by.get(e.model) ?? { model: e.model, runs: 0, patches: 0, totalMs: 0, meanMs: 0 };
      s.runs++;
      s.patches += e.batch;
      s.totalMs += e.milliseconds;
      s.meanMs = s.totalMs / s.runs;
      by.set(e.model, s);
    }
    return [...by.values()];
  }

  /** The summary as printable lines. */
  format(): string[] {
    return this.summary().map(
      (s) => `${s.model}: ${s.runs} runs (${s.patches} patches), total ${s.totalMs.toFixed(1)} ms, mean ${s.meanMs.toFixed(2)} ms/run`,
    );
  }
}

/** A backend that forwards everything to `inner` and times `run`. */
class TimedBackend implements ModelBackend {
  constructor(
    private readonly inner: ModelBackend,
    private readonly model: string,
    private readonly log: TimingLog,
  ) {}

  get inputs() {
    return this.inner.inputs;
  }
  get outputs() {
    return this.inner.outputs;
  }
  get card() {
    return this.inner.card;
  }
  get runtime() {
    return this.inner.runtime;
  }

  async run(batch: Tensor): Promise<Tensor> {
    const t0 = performance.now();
    const out = await this.inner.run(batch);
    this.log.entries.push({ model: this.model, batch: batch.shape[0] ?? 1, milliseconds: performance.now() - t0 });
    return out;
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/** A BackendFactory whose backends log their run timings to {@link TimedBackendFactory.log}. */
export type TimedBackendFactory = BackendFactory & {
  /** The log every backend of this factory writes to. */
  readonly log: TimingLog;
};

/** Wraps `factory` so every backend it creates records each `run` in `log`. */
export function withTimings(factory: BackendFactory, log: TimingLog = new TimingLog()): TimedBackendFactory {
  const timed = async (model: ResolvedModel, options: BackendOptions) => new TimedBackend(await factory(model, options), model.name, log);
  return Object.assign(timed, { log });
}

/** Options of {@link main}. */
export interface TimedBackendOptions {
  /** Input volume (default: the test-data scroll, `volumes/scroll_v2.zarr`). */
  input?: string;
  /** Model (default: `models/analytic3d.onnx`). */
  model?: string;
  /** Folder for the two runs' logits: `plain/` and `timed/`. */
  outDir: string;
  /** Only the patches touching this box (default for the test-data scroll: a 32³ box in its middle). */
  bbox?: Box;
  /** Patches per model call (default 2). */
  batchSize?: number;
  /** Receives the timing summary lines (default: none). */
  log?: (line: string) => void;
}

/** What {@link main} produced. */
export interface TimedBackendResult {
  /** The run with the plain ONNX backend. */
  plain: PredictResult;
  /** The same run with the timed wrapper. */
  timed: PredictResult;
  /** Every model run of the timed run. */
  log: TimingLog;
}

/** Runs the same predict with and without the timing wrapper and prints the timings. */
export async function main(options: TimedBackendOptions): Promise<TimedBackendResult> {
  const common = {
    input: options.input ?? testData('volumes/scroll_v2.zarr'),
    model: options.model ?? testData('models/analytic3d.onnx'),
    threads: 1,
    bbox: options.bbox ?? (options.input ? undefined : { start: [32, 64, 64], stop: [64, 96, 96] }),
    batchSize: options.batchSize ?? 2,
    normalization: 'clip_scale' as const,
    clipValue: 255,
    // Mirroring TTA: eight runs per batch, so the log has something to count.
    tta: 'mirroring' as const,
    skipEmpty: false,
  };
  // A finished output would be resumed with no model runs at all; start both runs from scratch.
  for (const run of ['plain', 'timed']) await rm(join(options.outDir, run), { recursive: true, force: true });
  const plain = await predict({ ...common, backendFactory: createOnnxBackend, output: join(options.outDir, 'plain') });
  const factory = withTimings(createOnnxBackend);
  const timed = await predict({ ...common, backendFactory: factory, output: join(options.outDir, 'timed') });
  for (const line of factory.log.format()) options.log?.(line);
  options.log?.(`engine's own model time: ${(timed.timings.modelSeconds * 1000).toFixed(1)} ms; wall time ${(timed.timings.totalSeconds * 1000).toFixed(0)} ms`);
  return { plain, timed, log: factory.log };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      input: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string', default: 'timed-backend-out' },
      'batch-size': { type: 'string', default: '2' },
    },
  });
  await main({
    input: values.input,
    model: values.model,
    outDir: values.out!,
    batchSize: Number(values['batch-size']),
    log: (line) => console.log(line),
  });
}
