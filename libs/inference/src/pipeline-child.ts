/**
 * Entry of a pipeline part process (forked by `runPipeline`, one per GPU or CPU worker). It loads the
 * backend module it is told to (inference never imports a backend), runs its parts — fused or
 * predict — and reports progress, chunks and results to the parent over IPC. It never draws.
 */
import type { BackendFactory } from './model-resolution';
import { runFusedPart, type FusedPartOptions } from './fused';
import { predict, type PredictOptions } from './predict';

export interface ChildJob {
  kind: 'fused' | 'predict';
  partIds: number[];
  numParts: number;
  backendModule: { specifier: string; exportName: string };
  /** Serializable run options (no functions, no signal). */
  options: Omit<FusedPartOptions, 'backendFactory' | 'backends' | 'signal' | 'onProgress'> & Partial<Pick<PredictOptions, 'output' | 'compressor' | 'compressionLevel' | 'overwrite'>>;
}

export type ChildMessage =
  | { type: 'begin'; channels: number; chunkShape: number[] }
  | { type: 'chunk'; index: number[]; logits: Float32Array }
  | { type: 'partial'; index: number[]; sum: Float32Array; weight: Float32Array; counted: number; expected: number; channels: number }
  | { type: 'progress'; partId: number; event: unknown }
  | { type: 'done'; partId: number; result: unknown }
  | { type: 'error'; name: string; message: string; exitCode?: number };

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(msg, undefined, {}, (e) => (e ? reject(e) : resolve())));
}

let finished = false;
// The parent died: stop rather than run on unobserved.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});

const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());

process.once('message', (job: ChildJob) => {
  void (async () => {
    try {
      const mod = (await import(job.backendModule.specifier)) as Record<string, unknown>;
      const backendFactory = mod[job.backendModule.exportName] as BackendFactory | undefined;
      if (typeof backendFactory !== 'function') throw new Error(`${job.backendModule.specifier} has no backend factory ${job.backendModule.exportName}`);
      for (const partId of job.partIds) {
        const common = { ...job.options, backendFactory, partId, numParts: job.numParts, signal: controller.signal, onProgress: (event: unknown) => void send({ type: 'progress', partId, event }) };
        if (job.kind === 'predict') {
          const result = await predict({ ...(common as PredictOptions), output: job.options.output! });
          await send({ type: 'done', partId, result });
          continue;
        }
        let channels = 0;
        const result = await runFusedPart(common as FusedPartOptions, {
          begin: async (info) => {
            channels = info.channels;
            await send({ type: 'begin', channels, chunkShape: job.options.chunkSize ?? info.setup.patchSize });
          },
          complete: (chunk, logits) => send({ type: 'chunk', index: chunk.index, logits }),
          partial: (chunk) => send({ type: 'partial', index: chunk.index, sum: chunk.sum, weight: chunk.weight, counted: chunk.counted, expected: chunk.expected, channels }),
        });
        await send({ type: 'done', partId, result });
      }
      finished = true;
      process.disconnect();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      finished = true;
      await send({ type: 'error', name: err.name, message: err.message, exitCode: (err as { exitCode?: number }).exitCode }).catch(() => undefined);
      process.disconnect();
      process.exitCode = 1;
    }
  })();
});
