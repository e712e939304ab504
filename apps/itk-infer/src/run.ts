/**
 * A whole itk-infer run: list the folder, check the model's window, skip finished files, segment the
 * rest in this process or in worker processes, write confidences.xlsx, and summarise.
 */
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ProgressDisplay } from '@voxelflow/cli-kit';
import { CONFIDENCE_FILE, readConfidences, writeConfidences } from './confidence-sheet';
import { UsageError } from './errors';
import type { FileOutcome, ProcessorConfig } from './image-processor';
import { checkLogitsNames, isDone, listInputFiles } from './input-files';
import { resolveWindow, type ModelFlags } from './model-settings';
import { fileErrorLine } from './out-of-memory';
import { planWorkers } from './plan-workers';

/** Options of {@link runItkInfer}: the command line, parsed. */
export interface ItkInferOptions extends ModelFlags {
  inputDir: string;
  outputDir: string;
  onnx: string;
  /** Worker processes (itk_infer: max(--num-proc, --gpus)). */
  numProc: number;
  /** GPUs to spread the processes over; 0 runs on the CPU. */
  gpus: number;
  /** Session threads per process (default: the cores shared out). */
  threads?: number;
  fp16: boolean;
  saveLogits: boolean;
  saveConf: boolean;
  overwrite: boolean;
  /** Progress display (default: a new one on stderr). */
  display?: ProgressDisplay;
}

/** What a run did. */
export interface RunSummary {
  segmented: string[];
  skipped: string[];
  failed: { file: string; error: string }[];
}

/**
 * Runs itk-infer. Files that fail are reported one line each and listed in `failed`; the run goes on
 * with the others. Errors that concern the whole run (no input, no window, a model that cannot be
 * loaded) are thrown.
 */
export async function runItkInfer(options: ItkInferOptions): Promise<RunSummary> {
  const display = options.display ?? new ProgressDisplay();
  if (resolve(options.inputDir) === resolve(options.outputDir)) {
    throw new UsageError(`-o ${options.outputDir} is the input folder: the segmentations take the input file names and would replace the images; choose another output folder`);
  }
  const files = await listInputFiles(options.inputDir);
  if (options.saveLogits) checkLogitsNames(files);

  // Cheap checks from the model file alone, before any file is skipped or a worker started. The heavy
  // modules (ONNX Runtime, ITK, exceljs) load only now, so flag and folder errors come back at once.
  const { mergeModelCards, modelCardFromMetadata, resolveModel } = await import('@voxelflow/inference');
  const { readOnnxMetadata } = await import('@voxelflow/runtime-onnx');
  const model = await resolveModel(options.onnx);
  const embedded = modelCardFromMetadata(readOnnxMetadata(model.bytes, options.onnx).metadataProps, options.onnx);
  resolveWindow(options, mergeModelCards(embedded, model.card), options.onnx);

  await mkdir(options.outputDir, { recursive: true });
  const sheetPath = join(options.outputDir, CONFIDENCE_FILE);
  const confidences = options.saveConf ? await readConfidences(sheetPath) : new Map<string, number>();
  const criteria = {
    outputDir: options.outputDir,
    saveLogits: options.saveLogits,
    ...(options.saveConf ? { confidenceRows: new Set(confidences.keys()) } : {}),
  };
  const summary: RunSummary = { segmented: [], skipped: [], failed: [] };
  const todo: string[] = [];
  for (const file of files) {
    if (!options.overwrite && isDone(file, criteria)) {
      summary.skipped.push(file);
      display.log(`${file}: skipped, its output exists in ${options.outputDir} (pass --overwrite to redo it)`);
    } else {
      todo.push(file);
    }
  }

  if (todo.length > 0) {
    const plans = planWorkers(options.numProc, options.gpus, todo.length, availableParallelism(), options.threads);
    const base: Omit<ProcessorConfig, 'device' | 'threads'> = {
      inputDir: options.inputDir,
      outputDir: options.outputDir,
      onnx: options.onnx,
      fp16: options.fp16,
      saveLogits: options.saveLogits,
      saveConf: options.saveConf,
      ...(options.wl !== undefined ? { wl: options.wl } : {}),
      ...(options.ww !== undefined ? { ww: options.ww } : {}),
      ...(options.patchSize ? { patchSize: options.patchSize } : {}),
      ...(options.patchStride ? { patchStride: options.patchStride } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    };
    const started = performance.now();
    const fileStart = new Map<number, number>();
    let finished = 0;
    const notesShown = new Set<string>();
    const showNotes = (notes: string[]): void => {
      for (const n of notes) if (!notesShown.has(n)) (notesShown.add(n), display.log(`itk-infer: ${n}`));
    };
    const progress = (worker: number, file: string, done: number, total: number): void => {
      if (done === 0 || !fileStart.has(worker)) fileStart.set(worker, performance.now());
      const elapsed = (performance.now() - fileStart.get(worker)!) / 1000;
      const rate = elapsed > 0 ? done / elapsed : 0;
      display.update(
        { phase: file, done, total, skipped: 0, elapsedSeconds: elapsed, rate, etaSeconds: rate > 0 ? (total - done) / rate : undefined, unit: 'windows' },
        `proc ${worker}`,
      );
    };
    const result = (worker: number, outcome: FileOutcome): void => {
      fileStart.delete(worker);
      finished++;
      if (outcome.ok) {
        summary.segmented.push(outcome.file);
        if (outcome.confidence !== undefined) confidences.set(outcome.file, outcome.confidence);
        const conf = outcome.confidence !== undefined ? `, confidence ${outcome.confidence.toFixed(4)}` : '';
        display.log(`${outcome.file}: segmented in ${outcome.seconds.toFixed(1)} s (${outcome.windows} windows, ${outcome.classes} classes${conf})`);
      } else {
        const line = fileErrorLine(outcome.file, outcome.error);
        summary.failed.push({ file: outcome.file, error: line });
        display.log(`itk-infer: ${line}`);
      }
      const elapsed = (performance.now() - started) / 1000;
      const rate = finished / elapsed;
      display.update(
        { phase: 'files', done: finished, total: todo.length, skipped: summary.skipped.length, elapsedSeconds: elapsed, rate, etaSeconds: (todo.length - finished) / rate, unit: 'files' },
        'files',
      );
    };

    display.update({ phase: 'files', done: 0, total: todo.length, skipped: summary.skipped.length, elapsedSeconds: 0, rate: 0, unit: 'files' }, 'files');
    try {
      if (plans.length === 1) {
        const { ImageProcessor } = await import('./image-processor');
        const plan = plans[0]!;
        const processor = await ImageProcessor.create({ ...base, device: plan.device, threads: plan.threads });
        showNotes(processor.notes);
        try {
          for (const file of todo) result(0, await processor.process(file, (f, d, t) => progress(0, f, d, t)));
        } finally {
          await processor.dispose();
        }
      } else {
        const { runWorkerPool } = await import('./worker-pool');
        await runWorkerPool(todo, plans, base, {
          onReady: (_w, notes) => showNotes(notes),
          onProgress: progress,
          onResult: result,
        });
      }
    } finally {
      display.stop();
      // Rows of this run are kept even when some files failed.
      if (options.saveConf && summary.segmented.length > 0) await writeConfidences(sheetPath, confidences);
    }
  }
  return summary;
}
