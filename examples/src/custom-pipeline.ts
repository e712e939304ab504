/**
 * A custom pipeline built from the library calls the CLI uses: read a NIfTI CT, run an ensemble of
 * two models with CT windowing (`predict`), merge the patches (`blend`), turn logits into
 * probabilities (`finalize`), and write a PNG preview of the middle axial slice: the windowed input
 * on the left, the foreground probability on the right.
 *
 *   npx tsx --conditions=@voxelflow/source examples/src/custom-pipeline.ts [--input ct.nii.gz]
 *     [--model a.onnx --model b.onnx] [--out DIR] [--window-level 40] [--window-width 400]
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  blend,
  finalize,
  predict,
  type BlendResult,
  type FinalizeResult,
  type PredictResult,
  type ProgressEvent,
} from '@voxelflow/inference';
import { createOnnxBackend } from '@voxelflow/runtime-onnx';
import { openVolume, toFloat32, writeImage2D } from '@voxelflow/volume-io';
import { isMain, logProgress, testData } from './example-support';

/** Options of {@link main}. */
export interface CustomPipelineOptions {
  /** Input volume (default: the test-data CT, `volumes/ct.nii.gz`). */
  input?: string;
  /** Models of the ensemble; their logits are averaged (default: analytic3d in float32 and float16). */
  models?: string[];
  /** Folder for every output: `logits/`, `blended.zarr`, `probabilities.zarr`, `preview.png`. */
  outDir: string;
  /** CT window centre in HU (default 40, soft tissue). */
  windowLevel?: number;
  /** CT window width in HU (default 400). */
  windowWidth?: number;
  /** Cancels the run; every stage resumes when called again. */
  signal?: AbortSignal;
  /** Receives progress lines (default: none). */
  log?: (line: string) => void;
}

/** What {@link main} produced. */
export interface CustomPipelineResult {
  predict: PredictResult;
  blend: BlendResult;
  finalize: FinalizeResult;
  /** The OME-Zarr of foreground probabilities (float32, level 0 at `<path>/0`). */
  probabilities: string;
  /** The PNG: (Y, 2·X) uint8, windowed input | probability, both scaled to 0–255. */
  preview: string;
  /** The z index of the previewed slice. */
  previewSlice: number;
}

/** Runs predict → blend → finalize on a NIfTI and writes a PNG preview of the middle slice. */
export async function main(options: CustomPipelineOptions): Promise<CustomPipelineResult> {
  const input = options.input ?? testData('volumes/ct.nii.gz');
  const models = options.models ?? [testData('models/analytic3d.onnx'), testData('models/analytic3d-fp16.onnx')];
  const windowLevel = options.windowLevel ?? 40;
  const windowWidth = options.windowWidth ?? 400;
  const log = options.log ?? (() => undefined);
  const onProgress = (e: ProgressEvent) => logProgress(log, e);
  await mkdir(options.outDir, { recursive: true });
  const logitsDir = join(options.outDir, 'logits');
  const blended = join(options.outDir, 'blended.zarr');
  const probabilities = join(options.outDir, 'probabilities.zarr');

  // Stage 1: two models form an ensemble (their logits are averaged per patch). The model card asks
  // for no normalization; CT needs a window, so the options override the card.
  const p = await predict({
    input,
    model: models,
    backendFactory: createOnnxBackend,
    threads: 1,
    output: logitsDir,
    normalization: 'window',
    windowLevel,
    windowWidth,
    tta: 'none',
    signal: options.signal,
    onProgress,
  });
  log(`predict: ${p.processed} patches × ${models.length} models, ${p.skippedEmpty} empty, ${p.resumed} resumed → ${p.logitsUrl}`);

  // Stage 2: Gaussian-weighted merge. A volume this small blends fastest on the calling thread.
  const b = await blend({ parentDir: logitsDir, output: blended, numWorkers: 0, signal: options.signal, onProgress });
  log(`blend: ${b.decoded} patches → ${b.output} (${b.seconds.toFixed(2)} s)`);

  // Stage 3: softmax foreground probability, kept as float32 so the preview shows it unquantized.
  const f = await finalize({
    input: blended,
    output: probabilities,
    mode: 'binary',
    dtype: 'float32',
    metadata: { example: 'custom-pipeline', predict: p.config },
    signal: options.signal,
    onProgress,
  });
  log(`finalize: ${f.levels.length} levels, ${f.noDataVoxels} no-data voxels → ${f.output}`);

  // The preview reads the middle slice back from level 0 and the input, through the same Volume API.
  const source = await openVolume(input);
  const result = await openVolume(`${probabilities}/0`);
  const [Z, Y, X] = source.shape.slice(-3) as [number, number, number];
  const z = Math.floor(Z / 2);
  const slice = { start: [z, 0, 0], stop: [z + 1, Y, X] };
  const raw = toFloat32(await source.read(slice), source.dtype);
  const prob = toFloat32(await result.read(slice), result.dtype);
  const pixels = new Uint8Array(Y * 2 * X);
  const low = windowLevel - windowWidth / 2;
  for (let y = 0; y < Y; y++) {
    for (let x = 0; x < X; x++) {
      const v = raw[y * X + x]!;
      const w = (Math.min(Math.max(v, low), low + windowWidth) - low) / windowWidth;
      pixels[y * 2 * X + x] = Math.round(w * 255);
      pixels[y * 2 * X + X + x] = Math.round(prob[y * X + x]! * 255);
    }
  }
  const preview = join(options.outDir, 'preview.png');
  await writeImage2D(preview, { data: pixels, shape: [Y, 2 * X], dtype: 'uint8' });
  log(`preview of slice z = ${z} → ${preview}`);
  return { predict: p, blend: b, finalize: f, probabilities, preview, previewSlice: z };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      input: { type: 'string' },
      model: { type: 'string', multiple: true },
      out: { type: 'string', default: 'custom-pipeline-out' },
      'window-level': { type: 'string' },
      'window-width': { type: 'string' },
    },
  });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const r = await main({
    input: values.input,
    models: values.model,
    outDir: values.out!,
    windowLevel: values['window-level'] === undefined ? undefined : Number(values['window-level']),
    windowWidth: values['window-width'] === undefined ? undefined : Number(values['window-width']),
    signal: controller.signal,
    log: (line) => console.error(line),
  });
  console.log(`${r.probabilities}\n${r.preview}`);
}
