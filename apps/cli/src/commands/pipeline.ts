/**
 * `voxelflow pipeline`: predict → blend → finalize on one machine (fused by default). With no input and
 * no model it runs the bundled demo model on the bundled volume and writes `voxelflow-demo.zarr` and a
 * PNG preview.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ProgressDisplay, parseNumberList, withInterrupt, withSnakeAliases } from '@voxelflow/cli-kit';
import { runPipeline, type PipelineOptions } from '@voxelflow/inference';
import type { Argv } from 'yargs';
import { BACKEND_MODULES } from '../backends';
import { writePreview } from '../preview';
import { UsageError } from '../usage-error';
import { finalizeFlags, parseThreshold } from './finalize';
import { addPredictFlags, runOptionsFromFlags } from './predict';

/** This package's folder, found from this module whether it runs from src/ or from the bundled dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'demo')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The bundled demo: the analytic model on a small scroll-like volume. */
export const DEMO = {
  model: join(packageRoot(), 'demo', 'model.onnx'),
  input: join(packageRoot(), 'demo', 'scroll.zarr'),
  output: 'voxelflow-demo.zarr',
  preview: 'voxelflow-demo.png',
};

/** `--gpus 0,1` or `--gpus all` (every GPU nvidia-smi lists). */
async function parseGpus(value: string | undefined): Promise<number[] | undefined> {
  if (value === undefined || value === '') return undefined;
  if (value === 'all') {
    let text = '';
    try {
      text = (await promisify(execFile)('nvidia-smi', ['-L'])).stdout;
    } catch {
      throw new UsageError('--gpus all: no NVIDIA GPU found (nvidia-smi is not available); leave out --gpus to run on the CPU');
    }
    const ids = [...text.matchAll(/^GPU (\d+):/gm)].map((m) => Number(m[1]));
    if (ids.length === 0) throw new UsageError('--gpus all: nvidia-smi lists no GPU; leave out --gpus to run on the CPU');
    return ids;
  }
  return parseNumberList('gpus', value);
}

export const pipelineCommand = {
  command: 'pipeline',
  describe: 'predict, blend and finalize on one machine (fused by default; --staged for the three stages)',
  builder: (y: Argv) =>
    addPredictFlags(y)
      .options(finalizeFlags)
      .options(
        withSnakeAliases({
          input: { type: 'string', describe: 'input volume (default: the bundled demo volume)' },
          output: { type: 'string', describe: `output OME-Zarr (default: ${DEMO.output} for the demo)` },
          model: { type: 'string', array: true, describe: 'model(s); several form an ensemble (default: the bundled demo model)' },
          gpus: { type: 'string', describe: 'GPU ids, e.g. 0,1, or all: one process per GPU' },
          'parts-per-gpu': { type: 'number', default: 1, describe: 'logical parts each GPU process runs' },
          workers: { type: 'number', describe: 'CPU part processes without GPUs (default: the cores)' },
          workdir: { type: 'string', describe: 'intermediates of --staged (default <output>_work)' },
          staged: { type: 'boolean', default: false, describe: 'run predict → blend → finalize through stores' },
          'skip-predict': { type: 'boolean', default: false, describe: 'staged: reuse the stored logits' },
          'skip-blend': { type: 'boolean', default: false, describe: 'staged: reuse the blended logits' },
          'skip-finalize': { type: 'boolean', default: false, describe: 'staged: stop after blending' },
          'keep-intermediates': { type: 'boolean', default: false, describe: 'staged: keep the logits and blended stores' },
          'sigma-scale': { type: 'number', default: 8, describe: 'Gaussian σ = patch / sigma-scale' },
          preview: { type: 'string', describe: `write a PNG of the middle slices with the result overlaid (the demo writes ${DEMO.preview})` },
          overwrite: { type: 'boolean', default: false, describe: 'replace outputs made with other options' },
          quiet: { type: 'boolean', default: false, describe: 'no progress output' },
        } as const),
      )
      .example('$0 pipeline', 'the demo: bundled model and volume → voxelflow-demo.zarr + voxelflow-demo.png')
      .example('$0 pipeline --input s.zarr --output ink.zarr --model hf://org/model --threshold --gpus 0,1 --parts-per-gpu 2', 'two GPUs'),
  handler: async (a: Record<string, unknown>) => {
    const demo = a['input'] === undefined && a['model'] === undefined;
    if (!demo && (a['input'] === undefined || a['model'] === undefined)) {
      throw new UsageError('pass both --input and --model (or neither, to run the bundled demo)');
    }
    const shared = await runOptionsFromFlags(a);
    const output = (a['output'] as string | undefined) ?? (demo ? DEMO.output : undefined);
    if (!output) throw new UsageError('--output is required');
    const backend = (a['backend'] as string) ?? 'onnx';
    const options: PipelineOptions = {
      ...shared,
      input: demo ? DEMO.input : (a['input'] as string),
      model: demo ? [DEMO.model] : (a['model'] as string[]),
      output,
      mode: a['mode'] as 'binary' | 'multiclass',
      threshold: demo && a['threshold'] === undefined ? true : parseThreshold(a['threshold']),
      dtype: a['dtype'] as 'uint8' | 'float32',
      ngff: a['ngff'] as '0.4' | '0.5',
      chunkSize: parseNumberList('chunk-size', a['chunk-size'], 3),
      sigmaScale: a['sigma-scale'] as number,
      gpus: await parseGpus(a['gpus'] as string | undefined),
      partsPerGpu: a['parts-per-gpu'] as number,
      workers: a['workers'] as number | undefined,
      workdir: a['workdir'] as string | undefined,
      staged: a['staged'] as boolean,
      skipPredict: a['skip-predict'] as boolean,
      skipBlend: a['skip-blend'] as boolean,
      skipFinalize: a['skip-finalize'] as boolean,
      keepIntermediates: a['keep-intermediates'] as boolean,
      overwrite: a['overwrite'] as boolean,
      backendModule: BACKEND_MODULES[backend],
    };
    // The demo volume is raw intensities: z-score them over the volume so the analytic model marks the sheets.
    if (demo && options.normalization === undefined) options.normalization = 'global_zscore';
    const display = new ProgressDisplay({ quiet: a['quiet'] as boolean });
    try {
      const r = await withInterrupt((signal) =>
        runPipeline({ ...options, signal, onProgress: (e, label) => display.update(e, label), onLog: (m) => display.log(m) }),
      );
      display.stop();
      const f = r.finalize;
      display.log(
        `pipeline (${r.route}, ${r.numParts} part${r.numParts > 1 ? 's' : ''}) → ${r.output}` +
          (f ? `: ${f.levels.length} levels, ${f.noDataVoxels} no-data voxels` : '') +
          ` in ${r.seconds.toFixed(1)} s`,
      );
      const preview = (a['preview'] as string | undefined) ?? (demo ? DEMO.preview : undefined);
      if (preview && f) {
        await writePreview(options.input, `${r.output.replace(/\/+$/, '')}/0`, preview);
        display.log(`preview → ${preview}`);
      }
    } finally {
      display.stop();
    }
  },
};
