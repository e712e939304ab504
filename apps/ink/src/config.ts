/**
 * The container's configuration: environment variables (the reference container's names) and the same
 * settings as command-line flags, flags winning. Only the variables listed in {@link INK_VARIABLES}
 * are read — yargs gets them as a config object, so an unrelated variable (`HOME`, `HELP`) can never
 * turn into a flag, and strict mode still rejects unknown flags.
 */
import { resolvePart } from '@voxelflow/inference';
import type { GraphOptimizationLevel } from '@voxelflow/runtime-onnx';
import { withSnakeAliases } from '@voxelflow/cli-kit';
import yargs from 'yargs';
import { InvalidVariableError, MissingVariableError } from './errors';
import { DEFAULT_PARTITION_DIR, DEFAULT_RESULT_URL_FILE, defaultSurfaceVolumePath, trimUrl } from './locations';

/** What one invocation runs. `all` (STEP unset): prepare → every partition's inference → reduce. */
export type InkStep = 'all' | 'validate' | 'prepare' | 'inference' | 'reduce';

/** The steps `STEP` accepts. */
export const INK_STEPS: readonly InkStep[] = ['all', 'validate', 'prepare', 'inference', 'reduce'];

/** Model architectures the reference container knows; recorded with the run (the ONNX file decides the rest). */
export const MODEL_TYPES: readonly string[] = ['timesformer', 'resnet3d-50', 'resnet3d-152-3d-decoder'];

/** One setting: its environment variable, its flag, and its help text. */
export interface InkVariable {
  /** Environment variable, e.g. `START_LAYER`. */
  readonly env: string;
  /** Flag without dashes, e.g. `start-layer` (also answers to `start_layer`). */
  readonly flag: string;
  /** Help text. */
  readonly describe: string;
  /** Required on every invocation. */
  readonly required?: boolean;
}

const v = (env: string, describe: string, required = false): InkVariable => ({
  env,
  flag: env.toLowerCase().replace(/_/g, '-'),
  describe,
  required,
});

/** Every variable the app reads, in help order. */
export const INK_VARIABLES: readonly InkVariable[] = [
  v('MODEL', 'model key of the lookup table, hub repo id (org/name[@rev]), hf:// or s3:// URL, or local path', true),
  v('S3_PATH', 'segment prefix holding layers/NN.tif (s3://bucket/prefix or a local folder)', true),
  v('START_LAYER', 'first layer, inclusive', true),
  v('END_LAYER', 'last layer, exclusive (00.tif … 25.tif is 0 … 26)', true),
  v('STEP', 'prepare | inference | reduce | validate; unset runs prepare → inference (all parts) → reduce'),
  v('NUM_PARTS', 'number of inference partitions (default 1)'),
  v('PART_ID', 'partition of STEP=inference, 0-based (default JOB_COMPLETION_INDEX, else 0)'),
  v('TILE_SIZE', 'tile edge in pixels, also the model input size (default 64)'),
  v('STRIDE', 'distance between tiles in pixels (default 16)'),
  v('BATCH_SIZE', 'tiles per model call (default 256)'),
  v('MODEL_TYPE', `architecture, recorded with the run: ${MODEL_TYPES.join(' | ')} (default timesformer)`),
  v('SURFACE_VOLUME_ZARR', 'surface-volume Zarr (H, W, C) uint8, local or s3:// (default /tmp/surface_volume_SS_EE.zarr)'),
  v('SURFACE_VOLUME_CHUNK_SIZE', 'chunk edge of the surface volume and of the partition accumulators (default 1024)'),
  v('ZARR_OUTPUT_DIR', 'folder of the partition accumulators, local or s3:// (default /tmp/partitions)'),
  v('USE_ZARR_COMPRESSION', 'compress the Zarrs with Blosc-LZ4 (default false)'),
  v('OUTPUT_PATH', 'full URL of the prediction (default <S3_PATH>/predictions/prediction_<MODEL>_<SS>_<EE>.png)'),
  v('OUTPUT_FORMAT', 'png | tiff (default png)'),
  v('RESULT_URL_FILE', 'file the prediction URI is written to (default /tmp/result_s3_url.txt)'),
  v('DEVICE', 'cpu | cuda | cuda:N | tensorrt (default cuda when CUDA_VISIBLE_DEVICES names a GPU, else cpu)'),
  v('CUDA_VISIBLE_DEVICES', 'GPUs this process may see'),
  v('THREADS', 'ONNX Runtime intra-op threads (default: all cores)'),
  v('COMPILE', '1 | 0: ONNX Runtime graph optimization on or off (default 1)'),
  v('COMPILE_MODE', 'default | reduce-overhead | max-autotune, or disabled | basic | extended | all (default reduce-overhead = all)'),
  v('HF_TOKEN', 'hub access token for private model repos'),
  v('MODEL_TABLE', 'JSON file (or inline JSON) of extra model keys: {"key": "hf://org/repo"}'),
  v('FORCE_REVERSE', 'feed the layers in reverse order (default false)'),
];

/**
 * Variables the app does not parse itself but that reach the libraries it uses: the AWS SDK (endpoint,
 * region, credentials), the hub client (endpoint, cache, token), the scheduler's part index (read when
 * PART_ID is unset), and the debug switch. Manifests may set these and {@link INK_VARIABLES}.
 */
export const PASSTHROUGH_VARIABLES: readonly string[] = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'HF_ENDPOINT',
  'HF_HOME',
  'HF_HUB_CACHE',
  'HF_HUB_OFFLINE',
  'HUGGING_FACE_HUB_TOKEN',
  'JOB_COMPLETION_INDEX',
  'JOB_COMPLETIONS',
  'SLURM_ARRAY_TASK_ID',
  'SLURM_ARRAY_TASK_MIN',
  'SLURM_ARRAY_TASK_COUNT',
  'AWS_BATCH_JOB_ARRAY_INDEX',
  'AWS_BATCH_JOB_ARRAY_SIZE',
  'VOXELFLOW_DEBUG',
];

/** The resolved configuration of one invocation. */
export interface InkConfig {
  /** `MODEL` as given (a key, repo id, URL or path). */
  model: string;
  /** Segment prefix, without a trailing slash. */
  s3Path: string;
  startLayer: number;
  endLayer: number;
  step: InkStep;
  /** Number of partitions. */
  numParts: number;
  /** Whether NUM_PARTS (or the scheduler) set `numParts`, rather than the default. */
  numPartsGiven: boolean;
  /** This process's partition (STEP=inference). */
  partId: number;
  /** Where `partId` came from (`PART_ID`, `JOB_COMPLETION_INDEX`, `default`…). */
  partSource: string;
  tileSize: number;
  stride: number;
  batchSize: number;
  modelType: string;
  surfaceVolumeZarr: string;
  chunkSize: number;
  zarrOutputDir: string;
  useZarrCompression: boolean;
  outputPath: string | undefined;
  outputFormat: 'png' | 'tiff';
  resultUrlFile: string;
  device: string;
  cudaVisibleDevices: string | undefined;
  threads: number | undefined;
  compile: boolean;
  compileMode: string;
  /** ONNX Runtime graph optimization that COMPILE / COMPILE_MODE map to. */
  graphOptimization: GraphOptimizationLevel;
  hfToken: string | undefined;
  modelTable: string | undefined;
  forceReverse: boolean;
}

/** What {@link parseInkConfig} returns: a configuration, or nothing when it printed help or the version. */
export type ParsedInkConfig = { config: InkConfig } | { printed: true };

/** COMPILE_MODE (torch.compile's modes, or ONNX Runtime's level names) → ONNX Runtime graph optimization. */
export function graphOptimizationFor(compile: boolean, compileMode: string): GraphOptimizationLevel {
  if (!compile) return 'disabled';
  const mode = compileMode.trim().toLowerCase();
  switch (mode) {
    case 'disabled':
    case 'basic':
    case 'extended':
    case 'all':
      return mode;
    case 'default':
      return 'extended';
    case 'reduce-overhead':
    case 'max-autotune':
    case 'max-autotune-no-cudagraphs':
      return 'all';
    default:
      throw new InvalidVariableError(
        'COMPILE_MODE',
        `COMPILE_MODE=${compileMode} is not a known mode; use default, reduce-overhead, max-autotune, or an ONNX Runtime level (disabled, basic, extended, all)`,
      );
  }
}

/** Whether CUDA_VISIBLE_DEVICES names at least one GPU (`''`, `-1` and `none` hide them all). */
export function cudaDevicesVisible(value: string | undefined): boolean {
  if (value === undefined) return false;
  const t = value.trim();
  return t !== '' && t !== '-1' && t.toLowerCase() !== 'none' && t.toLowerCase() !== 'nodevfiles';
}

const VERSION = '0.1.0';

/**
 * Reads the configuration from `env` (only {@link INK_VARIABLES}) and `argv` (flags win). Prints help
 * or the version when asked. Throws {@link MissingVariableError} naming the first missing required
 * variable and {@link InvalidVariableError} for unusable values; unknown flags are usage errors (exit 2).
 */
export async function parseInkConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<ParsedInkConfig> {
  const fromEnv: Record<string, string> = {};
  for (const variable of INK_VARIABLES) {
    const value = env[variable.env];
    if (value !== undefined && value !== '') fromEnv[variable.flag] = value;
  }
  const options: Record<string, { type: 'string'; describe: string; group: string }> = {};
  for (const variable of INK_VARIABLES) {
    options[variable.flag] = {
      type: 'string',
      describe: `${variable.describe} [${variable.env}]`,
      group: variable.required ? 'Required (env or flag):' : 'Optional (env or flag):',
    };
  }
  let printed = false;
  const parser = yargs(argv)
    .scriptName('voxelflow-ink')
    .usage('$0 — ink detection over 2.5D surface layers, configured by environment variables (flags override them)')
    .options(withSnakeAliases(options))
    .config(fromEnv)
    .env(false)
    .strict()
    .version(VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      throw Object.assign(new Error(msg), { exitCode: 2 });
    });
  const args = (await parser.parseAsync()) as Record<string, unknown>;
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version')) printed = true;
  if (printed) return { printed: true };

  const raw = (variable: string): string | undefined => {
    const spec = INK_VARIABLES.find((x) => x.env === variable)!;
    const value = args[spec.flag];
    if (value === undefined) return undefined;
    // A repeated flag arrives as an array: the last one wins, as flags over env do.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    return String(last);
  };
  const required = (variable: string, what: string): string => {
    const value = raw(variable);
    if (value === undefined || value.trim() === '') {
      const spec = INK_VARIABLES.find((x) => x.env === variable)!;
      throw new MissingVariableError(variable, spec.flag, what);
    }
    return value.trim();
  };
  const int = (variable: string, fallback: number | undefined, min: number): number | undefined => {
    const value = raw(variable);
    if (value === undefined || value.trim() === '') return fallback;
    const n = Number(value.trim());
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidVariableError(variable, `${variable}=${value} must be an integer ≥ ${min}`);
    }
    return n;
  };
  const bool = (variable: string, fallback: boolean): boolean => {
    const value = raw(variable);
    if (value === undefined) return fallback;
    const t = value.trim().toLowerCase();
    // A bare flag (`--force-reverse`) arrives as ''.
    if (t === '' || t === '1' || t === 'true' || t === 'yes' || t === 'on') return true;
    if (t === '0' || t === 'false' || t === 'no' || t === 'off') return false;
    throw new InvalidVariableError(variable, `${variable}=${value} must be true or false (1/0, yes/no)`);
  };

  const model = required('MODEL', 'a model key (e.g. timesformer-scroll5), a hub repo id (org/name) or a path to an .onnx model');
  const s3Path = trimUrl(required('S3_PATH', 'the segment prefix that holds layers/NN.tif, e.g. s3://bucket/scroll/segment'));
  required('START_LAYER', 'the first layer (inclusive), e.g. 0');
  required('END_LAYER', 'the last layer (exclusive), e.g. 26 for layers 00 … 25');
  const startLayer = int('START_LAYER', undefined, 0)!;
  const endLayer = int('END_LAYER', undefined, 0)!;
  if (endLayer <= startLayer) {
    throw new InvalidVariableError(
      'END_LAYER',
      `END_LAYER=${endLayer} must be greater than START_LAYER=${startLayer}: END_LAYER is exclusive, so layers 00 … 25 are START_LAYER=0, END_LAYER=26`,
    );
  }

  const stepRaw = (raw('STEP') ?? 'all').trim().toLowerCase();
  if (!INK_STEPS.includes(stepRaw as InkStep)) {
    throw new InvalidVariableError('STEP', `STEP=${raw('STEP')} is not a step; use prepare, inference, reduce or validate, or leave it unset to run all three`);
  }
  const step = stepRaw as InkStep;

  const tileSize = int('TILE_SIZE', 64, 1)!;
  const stride = int('STRIDE', 16, 1)!;
  if (stride > tileSize) {
    throw new InvalidVariableError('STRIDE', `STRIDE=${stride} is larger than TILE_SIZE=${tileSize}: pixels between tiles would never be predicted; use STRIDE ≤ TILE_SIZE`);
  }
  const batchSize = int('BATCH_SIZE', 256, 1)!;
  const modelType = (raw('MODEL_TYPE') ?? 'timesformer').trim();
  if (!MODEL_TYPES.includes(modelType)) {
    throw new InvalidVariableError('MODEL_TYPE', `MODEL_TYPE=${modelType} is not one of ${MODEL_TYPES.join(', ')}`);
  }

  const numPartsExplicit = int('NUM_PARTS', undefined, 1);
  const partIdExplicit = int('PART_ID', undefined, 0);
  let partId = 0;
  let numParts = numPartsExplicit ?? 1;
  let partSource = 'default';
  let numPartsGiven = numPartsExplicit !== undefined;
  if (partIdExplicit !== undefined) {
    partId = partIdExplicit;
    partSource = 'PART_ID';
  } else if (step === 'inference') {
    // Kubernetes indexed Jobs, Slurm arrays and AWS Batch arrays name the part themselves.
    const assigned = resolvePart({ ...(numPartsExplicit !== undefined ? { numParts: numPartsExplicit } : {}) }, env);
    partId = assigned.partId;
    numParts = assigned.numParts;
    partSource = assigned.source;
    numPartsGiven ||= assigned.source !== 'default' && assigned.source !== 'flags';
  }
  if (partId >= numParts) {
    throw new InvalidVariableError('PART_ID', `PART_ID=${partId} (from ${partSource}) is outside 0 … ${numParts - 1}; set NUM_PARTS to the number of partitions`);
  }

  const compile = bool('COMPILE', true);
  const compileMode = (raw('COMPILE_MODE') ?? 'reduce-overhead').trim();
  const graphOptimization = graphOptimizationFor(compile, compileMode);

  const outputFormatRaw = (raw('OUTPUT_FORMAT') ?? 'png').trim().toLowerCase();
  const outputFormat = outputFormatRaw === 'tif' ? 'tiff' : outputFormatRaw;
  if (outputFormat !== 'png' && outputFormat !== 'tiff') {
    throw new InvalidVariableError('OUTPUT_FORMAT', `OUTPUT_FORMAT=${outputFormatRaw} is not png or tiff`);
  }

  const cudaVisibleDevices = raw('CUDA_VISIBLE_DEVICES');
  const device = (raw('DEVICE') ?? (cudaDevicesVisible(cudaVisibleDevices) ? 'cuda' : 'cpu')).trim();
  const threads = int('THREADS', undefined, 1);
  const chunkSize = int('SURFACE_VOLUME_CHUNK_SIZE', 1024, 1)!;

  return {
    config: {
      model,
      s3Path,
      startLayer,
      endLayer,
      step,
      numParts,
      numPartsGiven,
      partId,
      partSource,
      tileSize,
      stride,
      batchSize,
      modelType,
      surfaceVolumeZarr: trimUrl(raw('SURFACE_VOLUME_ZARR') ?? defaultSurfaceVolumePath(startLayer, endLayer)),
      chunkSize,
      zarrOutputDir: trimUrl(raw('ZARR_OUTPUT_DIR') ?? DEFAULT_PARTITION_DIR),
      useZarrCompression: bool('USE_ZARR_COMPRESSION', false),
      outputPath: raw('OUTPUT_PATH'),
      outputFormat,
      resultUrlFile: raw('RESULT_URL_FILE') ?? DEFAULT_RESULT_URL_FILE,
      device,
      cudaVisibleDevices,
      threads,
      compile,
      compileMode,
      graphOptimization,
      hfToken: raw('HF_TOKEN'),
      modelTable: raw('MODEL_TABLE'),
      forceReverse: bool('FORCE_REVERSE', false),
    },
  };
}
