/**
 * `itk-infer`: itk_infer's command line. Parses the flags (itk_infer's spellings, plus snake_case),
 * runs {@link runItkInfer}, prints a summary, and turns errors into one line and an exit code:
 * 0 all files done or skipped, 1 some file failed or the run could not start, 2 bad usage.
 */
import { errorLine, parseNumberList, withSnakeAliases } from '@voxelflow/cli-kit';
import yargs from 'yargs';
import { UsageError } from './errors';
import type { ItkInferOptions } from './run';

/** Version printed by --version. */
export const VERSION = '0.1.0';

/** The message for `--backend mmengine`. */
export const MMENGINE_MESSAGE =
  '--backend mmengine: MMEngine models run in Python; export the model to ONNX first (torch.onnx.export with the metadata keys window_level, window_width and inference_config; see the itk-infer README) and pass --backend onnx --onnx model.onnx';

const FLAGS = withSnakeAliases({
  'input-folder': { alias: ['i', 'input'], type: 'string', describe: 'folder of images (*.mha, *.nii, *.nii.gz, *.nrrd)' },
  output: { alias: 'o', type: 'string', describe: 'output folder (segmentations, logits, confidences.xlsx)' },
  backend: { type: 'string', default: 'onnx', describe: 'onnx (mmengine models: export them to ONNX first)' },
  onnx: { type: 'string', describe: 'ONNX model file' },
  'cfg-path': { alias: 'cfg', type: 'string', hidden: true, describe: 'MMEngine config (not supported: export to ONNX)' },
  'ckpt-path': { alias: 'ckpt', type: 'string', hidden: true, describe: 'MMEngine checkpoint (not supported: export to ONNX)' },
  wl: { type: 'number', describe: 'CT window level (default: the model metadata window_level)' },
  ww: { type: 'number', describe: 'CT window width (default: the model metadata window_width)' },
  'patch-size': { type: 'string', array: true, describe: 'sliding-window patch Z Y X (default: the model input shape or metadata)' },
  'patch-stride': { type: 'string', array: true, describe: 'sliding-window stride Z Y X (default: metadata, else half the patch)' },
  'num-proc': { type: 'number', default: 1, describe: 'worker processes' },
  gpus: { type: 'number', default: 0, describe: 'GPUs to spread the processes over, round-robin (0: CPU)' },
  threads: { type: 'number', describe: 'ONNX Runtime threads per process (default: cores / processes)' },
  'batch-size': { type: 'number', describe: 'windows per model call (default: metadata forward_batch_windows, else 1)' },
  fp16: { type: 'boolean', default: false, describe: 'half-precision inference (for models exported in float16)' },
  'save-logits': { type: 'boolean', default: false, describe: 'also write <name>.zarr: float16 logits (C, Z, Y, X), Blosc-LZ4' },
  'save-conf': { type: 'boolean', default: false, describe: 'also write confidences.xlsx (mean 1 − normalised entropy per image)' },
  overwrite: { type: 'boolean', default: false, describe: 'redo files whose outputs exist (default: skip them)' },
  verbose: { type: 'boolean', default: false, describe: 'print stack traces of errors' },
} as const);

function positiveInt(flag: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new UsageError(`--${flag} ${String(v)}: expected an integer ≥ ${min}`);
  }
  return v;
}

function finite(flag: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UsageError(`--${flag} ${String(v)}: expected a number`);
  return v;
}

function triple(flag: string, v: unknown): number[] | undefined {
  try {
    return parseNumberList(flag, v, 3);
  } catch (e) {
    throw new UsageError(`--${flag} ${Array.isArray(v) ? v.join(' ') : String(v)}: expected three integers Z Y X, e.g. --${flag} 96 96 96`, { cause: e });
  }
}

/** Turns parsed flags into run options; throws {@link UsageError} with the flag's name. */
export function optionsFromArgs(a: Record<string, unknown>): ItkInferOptions {
  const backend = String(a['backend']);
  if (backend === 'mmengine') throw new UsageError(MMENGINE_MESSAGE);
  if (backend !== 'onnx') throw new UsageError(`--backend ${backend}: use onnx (mmengine models: export them to ONNX first)`);
  const inputDir = a['input-folder'];
  const outputDir = a['output'];
  const onnx = a['onnx'];
  if (typeof inputDir !== 'string' || inputDir === '') throw new UsageError('-i/--input-folder is required: the folder of images to segment');
  if (typeof outputDir !== 'string' || outputDir === '') throw new UsageError('-o/--output is required: the folder to write the segmentations to');
  if (typeof onnx !== 'string' || onnx === '') throw new UsageError('--backend onnx requires --onnx MODEL.onnx');
  const options: ItkInferOptions = {
    inputDir,
    outputDir,
    onnx,
    numProc: positiveInt('num-proc', a['num-proc'], 1),
    gpus: positiveInt('gpus', a['gpus'], 0),
    fp16: Boolean(a['fp16']),
    saveLogits: Boolean(a['save-logits']),
    saveConf: Boolean(a['save-conf']),
    overwrite: Boolean(a['overwrite']),
  };
  const wl = finite('wl', a['wl']);
  const ww = finite('ww', a['ww']);
  const patchSize = triple('patch-size', a['patch-size']);
  const patchStride = triple('patch-stride', a['patch-stride']);
  if (wl !== undefined) options.wl = wl;
  if (ww !== undefined) options.ww = ww;
  if (patchSize) options.patchSize = patchSize;
  if (patchStride) options.patchStride = patchStride;
  if (a['threads'] !== undefined) options.threads = positiveInt('threads', a['threads'], 1);
  if (a['batch-size'] !== undefined) options.batchSize = positiveInt('batch-size', a['batch-size'], 1);
  return options;
}

/** Runs the command line `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose') || process.env['VOXELFLOW_DEBUG'] === '1';
  try {
    const parser = yargs(argv)
      .scriptName('itk-infer')
      .usage('$0 -i INPUT_DIR -o OUTPUT_DIR --backend onnx --onnx MODEL [options]')
      // itk_infer spells the MMEngine flags -cfg and -ckpt: one dash, several letters.
      .parserConfiguration({ 'short-option-groups': false })
      .options(FLAGS)
      .strict()
      .version(VERSION)
      .help()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        throw new UsageError(msg);
      });
    const args = (await parser.parseAsync()) as Record<string, unknown>;
    if (args['help'] || args['version']) return 0;
    const options = optionsFromArgs(args);
    // Loaded after the flags are checked: usage errors answer without loading ONNX Runtime and ITK.
    const { runItkInfer } = await import('./run');
    const summary = await runItkInfer(options);
    const { segmented, skipped, failed } = summary;
    process.stdout.write(
      `itk-infer: ${segmented.length} segmented, ${skipped.length} skipped, ${failed.length} failed → ${String(args['output'])}\n`,
    );
    return failed.length > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`itk-infer: ${errorLine(error)}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
}
