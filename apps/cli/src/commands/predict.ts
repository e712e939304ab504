/**
 * `voxelflow predict`: stage 1, Vesuvius-compatible flags (snake_case spellings accepted). Builds
 * PredictOptions and calls `predict` (or `estimatePredict`); no numerics here.
 */
import { readFile } from 'node:fs/promises';
import { ProgressDisplay, parseNumberList, withInterrupt, withSnakeAliases } from '@voxelflow/cli-kit';
import { estimatePredict, predict, type PredictOptions } from '@voxelflow/inference';
import { readIntensityProperties, type NormalizationScheme } from '@voxelflow/normalization';
import type { Argv } from 'yargs';
import { backendFactory } from '../backends';
import { UsageError } from '../usage-error';

const INPUT_FORMATS: Record<string, PredictOptions['inputFormat'] | undefined> = {
  zarr: undefined,
  volume: undefined,
  'ome-zarr': 'ome-zarr',
  zarr2: 'zarr2',
  zarr3: 'zarr3',
  tiff: 'tiff-stack',
  'tiff-stack': 'tiff-stack',
  nifti: 'nifti',
  mha: 'metaimage',
  nrrd: 'nrrd',
};

/** The run-shaping flags predict shares with `pipeline` (which passes them through). */
export const predictRunFlags = withSnakeAliases({
  'input-format': { type: 'string', describe: 'force the input format: zarr, ome-zarr, tiff, nifti, mha, nrrd (default: detect)' },
  'input-level': { type: 'string', describe: 'OME-Zarr level (index or dataset path)', default: '0' },
  'tta-type': { type: 'string', choices: ['mirroring', 'rotation'], default: 'mirroring', describe: 'test-time augmentation' },
  'disable-tta': { type: 'boolean', default: false, describe: 'no test-time augmentation (faster)' },
  overlap: { type: 'number', default: 0.5, describe: 'overlap fraction of neighbouring patches, [0, 1) (nnU-Net rule)' },
  'batch-size': { type: 'number', default: 1, describe: 'patches per model call' },
  'patch-size': { type: 'string', describe: 'override the model patch size, e.g. 192,192,192' },
  normalization: { type: 'string', describe: 'instance_zscore, global_zscore, instance_minmax, ct, window, clip_scale, none (default: the model card)' },
  'intensity-properties-json': { type: 'string', describe: 'nnU-Net-style JSON with intensity statistics (for ct)' },
  'window-level': { type: 'number', describe: 'window normalization level' },
  'window-width': { type: 'number', describe: 'window normalization width' },
  device: { type: 'string', default: 'cpu', describe: 'cpu, cuda, cuda:N' },
  threads: { type: 'number', describe: 'threads per model session (default: all cores)' },
  backend: { type: 'string', default: 'onnx', describe: 'model backend' },
  'skip-empty-patches': { type: 'boolean', default: true, describe: 'skip homogeneous patches and absent input chunks (--no-skip-empty-patches to run all)' },
  bbox: { type: 'string', describe: 'only patches of the global grid touching z0,y0,x0,z1,y1,x1' },
  'cache-mb': { type: 'number', default: 512, describe: 'decoded input chunk cache, MiB' },
  'hf-token': { type: 'string', describe: 'Hugging Face token for private repositories (or HF_TOKEN)' },
  verbose: { type: 'boolean', default: false, describe: 'print configuration and statistics' },
} as const);

/** Flags of the Python tool that do not apply here, with the answer users get. */
const UNSUPPORTED: Record<string, string> = {
  'scroll-id': 'remote scroll catalogues are not supported yet; pass the volume URL with --input-dir',
  'segment-id': 'remote scroll catalogues are not supported yet; pass the volume URL with --input-dir',
  energy: 'remote scroll catalogues are not supported yet; pass the volume URL with --input-dir',
  resolution: 'remote scroll catalogues are not supported yet; pass the volume URL with --input-dir',
  'config-yaml': 'VoxelFlow runs ONNX models, whose card replaces the training YAML; export the checkpoint to ONNX first',
  'tif-activation': 'predict writes Zarr logits only; use voxelflow finalize (or pipeline) for probabilities and masks',
  'save-softmax': 'predict writes Zarr logits only; use voxelflow finalize (or pipeline) for probabilities and masks',
};

export function addPredictFlags<T>(y: Argv<T>) {
  const unsupported = Object.fromEntries(
    Object.entries(UNSUPPORTED).map(([k, why]) => [k, { type: 'string' as const, hidden: true, describe: why }]),
  );
  return y.options(predictRunFlags).options(withSnakeAliases(unsupported));
}

function parseBbox(value: string | undefined) {
  const v = parseNumberList('bbox', value, 6);
  if (!v) return undefined;
  return { start: v.slice(0, 3), stop: v.slice(3) };
}

/** Turns parsed run flags into the shared part of PredictOptions. */
export async function runOptionsFromFlags(a: Record<string, unknown>): Promise<Omit<PredictOptions, 'input' | 'output' | 'model'>> {
  for (const [flag, why] of Object.entries(UNSUPPORTED)) {
    if (a[flag] !== undefined) throw new UsageError(`--${flag} is not supported: ${why}`);
  }
  if (typeof a['hf-token'] === 'string') process.env['HF_TOKEN'] = a['hf-token'];
  const format = a['input-format'] as string | undefined;
  if (format !== undefined && !(format in INPUT_FORMATS)) {
    throw new UsageError(`--input-format ${format}: use one of ${Object.keys(INPUT_FORMATS).join(', ')}`);
  }
  let intensityProperties;
  const ipFile = a['intensity-properties-json'] as string | undefined;
  if (ipFile) {
    let text: string;
    try {
      text = await readFile(ipFile, 'utf8');
    } catch {
      throw new UsageError(`--intensity-properties-json ${ipFile}: cannot read the file; check the path`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`--intensity-properties-json ${ipFile} is not valid JSON`);
    }
    intensityProperties = readIntensityProperties(json, { source: ipFile });
  }
  const level = a['input-level'] as string;
  return {
    inputFormat: format === undefined ? undefined : INPUT_FORMATS[format],
    inputLevel: /^\d+$/.test(level) ? Number(level) : level,
    backendFactory: backendFactory(a['backend'] as string),
    device: a['device'] as string,
    threads: a['threads'] as number | undefined,
    patchSize: parseNumberList('patch-size', a['patch-size'], 3),
    overlap: a['overlap'] as number,
    tta: a['disable-tta'] ? 'none' : (a['tta-type'] as 'mirroring' | 'rotation'),
    normalization: a['normalization'] as NormalizationScheme | undefined,
    intensityProperties,
    windowLevel: a['window-level'] as number | undefined,
    windowWidth: a['window-width'] as number | undefined,
    batchSize: a['batch-size'] as number,
    bbox: parseBbox(a['bbox'] as string | undefined),
    skipEmpty: a['skip-empty-patches'] as boolean,
    cacheBytes: (a['cache-mb'] as number) * 2 ** 20,
  };
}

const mb = (b: number | undefined) => (b === undefined ? '?' : `${(b / 2 ** 20).toFixed(1)} MiB`);

export const predictCommand = {
  command: 'predict',
  describe: 'run a model over a volume and store patch logits per part (stage 1)',
  builder: (y: Argv) =>
    addPredictFlags(y)
      .options(
        withSnakeAliases({
          'model-path': { type: 'string', array: true, demandOption: true, describe: '.onnx file, model directory, hf://org/repo[@rev] or s3://… (several: an ensemble)' },
          'input-dir': { type: 'string', demandOption: true, describe: 'input volume: Zarr, OME-Zarr, TIFF stack, NIfTI… (path, s3://, https://)' },
          'output-dir': { type: 'string', demandOption: true, describe: 'where logits_part_{id}.zarr and coordinates_part_{id}.zarr go' },
          'num-parts': { type: 'number', describe: 'number of parts (default 1, or from the scheduler: JOB_COMPLETION_INDEX, SLURM_ARRAY_*, AWS_BATCH_JOB_ARRAY_*)' },
          'part-id': { type: 'number', describe: 'this process’s part, 0-based' },
          'zarr-compressor': { type: 'string', choices: ['zstd', 'lz4', 'zlib', 'none'], default: 'zstd', describe: 'Blosc compressor of the logits' },
          'zarr-compression-level': { type: 'number', default: 3, describe: 'compression level' },
          overwrite: { type: 'boolean', default: false, describe: 'replace an output made with a different configuration' },
          estimate: { type: 'boolean', default: false, describe: 'print patches, chunks and bytes to read and write, and exit' },
          quiet: { type: 'boolean', default: false, describe: 'no progress output' },
        } as const),
      )
      .example('$0 predict --model-path model.onnx --input-dir scroll.zarr --output-dir /tmp/logits', 'one part on the CPU')
      .example('$0 predict --model_path hf://org/model --input_dir s3://b/v.zarr --output_dir s3://b/tmp --num_parts 4 --part_id 0 --device cuda:0', 'part 0 of 4 on a GPU'),
  handler: async (a: Record<string, unknown>) => {
    const shared = await runOptionsFromFlags(a);
    const options: PredictOptions = {
      ...shared,
      input: a['input-dir'] as string,
      output: a['output-dir'] as string,
      model: a['model-path'] as string[],
      numParts: a['num-parts'] as number | undefined,
      partId: a['part-id'] as number | undefined,
      // Absent ids come from the scheduler: JOB_COMPLETION_INDEX, SLURM_ARRAY_*, AWS_BATCH_JOB_ARRAY_*.
      partEnvironment: process.env,
      compressor: a['zarr-compressor'] as PredictOptions['compressor'],
      compressionLevel: a['zarr-compression-level'] as number,
      overwrite: a['overwrite'] as boolean,
    };
    if (a['estimate']) {
      const e = await estimatePredict(options);
      process.stdout.write(
        [
          `part ${e.partId}/${e.numParts}: ${e.patches} patches of ${e.patchSize.join('×')} (${e.absentPatches} skipped: input chunks absent)`,
          `input: ${e.inputChunks} chunks, ${mb(e.inputBytes)} decoded`,
          `output: ${mb(e.outputBytes)} of float16 logits before compression${e.outChannels === undefined ? ' (channels unknown until the model runs)' : ` (${e.outChannels} channels)`}`,
        ].join('\n') + '\n',
      );
      return;
    }
    const display = new ProgressDisplay({ quiet: a['quiet'] as boolean });
    try {
      const r = await withInterrupt((signal) => predict({ ...options, signal, onProgress: (e) => display.update(e) }));
      display.stop();
      const t = r.timings;
      display.log(
        `part ${r.partId}/${r.numParts}: ${r.processed} patches run, ${r.skippedEmpty} empty, ${r.resumed} already done → ${r.logitsUrl} ` +
          `(${t.totalSeconds.toFixed(1)} s, model ${t.modelSeconds.toFixed(1)} s; read ${mb(r.bytesRead)})`,
      );
      if (a['verbose']) display.log(JSON.stringify({ config: r.config, timings: r.timings, chunksDecoded: r.chunksDecoded }, null, 2));
    } finally {
      display.stop();
    }
  },
};
