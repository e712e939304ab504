/**
 * One process's worker: loads the model once, then segments images one at a time — read, window,
 * sliding window, argmax, confidence, reorient to LPI, write. Used in-process for --num-proc 1 and
 * inside every forked worker otherwise.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelRunner, resolveModel } from '@voxelflow/inference';
import { normalizeInPlace } from '@voxelflow/normalization';
import { OnnxBackend } from '@voxelflow/runtime-onnx';
import { ttaTransforms } from '@voxelflow/tiling';
import { createMedicalImage, createVolume, float32ToFloat16, openVolume, toFloat32 } from '@voxelflow/volume-io';
import { argmaxLabels, meanConfidence } from './class-map';
import { ImageError } from './errors';
import { logitsZarrName } from './input-files';
import { lpiPlan, reorientVoxels } from './lpi-orientation';
import { resolveSettings, type InferenceSettings, type ModelFlags } from './model-settings';
import { slidingWindowLogits } from './sliding-window';

/** Everything a process needs to segment files; plain JSON, sent to forked workers as is. */
export interface ProcessorConfig extends ModelFlags {
  inputDir: string;
  outputDir: string;
  /** The ONNX model path. */
  onnx: string;
  /** ONNX Runtime device: 'cpu' or 'cuda' / 'cuda:N'. */
  device: string;
  /** Intra-op threads of the session. */
  threads: number;
  fp16: boolean;
  saveLogits: boolean;
  saveConf: boolean;
}

/** What happened to one file. */
export type FileOutcome =
  | { file: string; ok: true; seconds: number; windows: number; classes: number; confidence?: number }
  | { file: string; ok: false; error: string };

/** Windows done so far in the current file. */
export type FileProgress = (file: string, done: number, total: number) => void;

/** Codec of the logits Zarr: Blosc-LZ4 as itk_infer (level 6), with byte shuffle. */
const LOGITS_CODEC = { name: 'blosc', cname: 'lz4', clevel: 6, shuffle: 'shuffle' } as const;

/** Segments images with one loaded model. Create with {@link ImageProcessor.create}; `dispose()` at the end. */
export class ImageProcessor {
  private constructor(
    readonly config: ProcessorConfig,
    private readonly backend: OnnxBackend,
    private readonly runner: ModelRunner,
    /** The resolved window, patch, stride and batch. */
    readonly settings: InferenceSettings,
    /** Things worth telling the user once (e.g. --fp16 on a float32 model). */
    readonly notes: string[],
  ) {}

  /**
   * Loads the model on the configured device and resolves the settings.
   *
   * @throws the model's load errors, {@link IncompatibleModelError}, {@link UsageError}, {@link MissingWindowError}
   */
  static async create(config: ProcessorConfig): Promise<ImageProcessor> {
    const model = await resolveModel(config.onnx);
    const backend = await OnnxBackend.create(model, { device: config.device, threads: config.threads });
    try {
      const settings = resolveSettings(
        { source: config.onnx, inputs: backend.inputs, outputs: backend.outputs, card: backend.card, metadataProps: backend.metadata.metadataProps },
        config,
      );
      const notes: string[] = [];
      const inputType = backend.inputs[0]!.dtype;
      if (config.fp16 && inputType !== 'float16') {
        notes.push(`--fp16: model ${config.onnx} takes float32 input, so it runs in float32; export it in float16 for half-precision inference`);
      }
      const runner = new ModelRunner({
        backends: [backend],
        transforms: ttaTransforms('none', 3),
        patchSize: settings.patchSize,
        inChannels: 1,
        maxBatch: settings.batchSize,
      });
      return new ImageProcessor(config, backend, runner, settings, notes);
    } catch (e) {
      await backend.dispose();
      throw e;
    }
  }

  /** Segments `file` (a name inside the input folder) and writes its outputs. Never throws for a bad file. */
  async process(file: string, onProgress?: FileProgress): Promise<FileOutcome> {
    const t0 = performance.now();
    try {
      const r = await this.segment(file, onProgress);
      return { file, ok: true, seconds: (performance.now() - t0) / 1000, ...r };
    } catch (e) {
      // The caller words the line (file name, out-of-memory hint); keep the cause chain's text.
      return { file, ok: false, error: errorText(e) };
    }
  }

  private async segment(file: string, onProgress?: FileProgress): Promise<{ windows: number; classes: number; confidence?: number }> {
    const { config, settings } = this;
    const volume = await openVolume(join(config.inputDir, file));
    if (volume.shape.length !== 3) {
      throw new ImageError(`${file} has shape (${volume.shape.join(', ')}); itk-infer segments 3-D single-channel images`);
    }
    const shape = volume.shape as [number, number, number];
    const image = toFloat32(await volume.read({ start: [0, 0, 0], stop: [...shape] }));
    // No int16 cast before clipping (itk_infer's astype(int16)): identical for integer CT values,
    // and values beyond ±32767 are not wrapped around.
    normalizeInPlace(image, { scheme: 'window', level: settings.window.level, width: settings.window.width });
    const { logits, channels, windows } = await slidingWindowLogits({
      image,
      shape,
      patchSize: settings.patchSize,
      stride: settings.stride,
      runner: this.runner,
      batchSize: settings.batchSize,
      onProgress: (done, total) => onProgress?.(file, done, total),
    });
    if (channels < 2) {
      throw new ImageError(`model ${config.onnx} returned ${channels} channel; itk-infer needs one logit per class (at least 2) for the argmax`);
    }
    const labels = argmaxLabels(logits, channels);
    const confidence = config.saveConf ? meanConfidence(logits, channels) : undefined;
    const plan = lpiPlan(shape, volume.geometry);
    if (config.saveLogits) {
      const bits = reorientVoxels(float32ToFloat16(logits), shape, plan, channels);
      await this.writeLogits(file, bits, [channels, ...plan.shape], plan.geometry);
    }
    // The segmentation goes last: its existence marks the file as done for the next run.
    const mask = await createMedicalImage(join(config.outputDir, file), {
      shape: [...plan.shape],
      dtype: 'uint8',
      geometry: { spacing: plan.geometry.spacing, origin: plan.geometry.origin, direction: plan.geometry.direction },
      compression: true,
    });
    await mask.write({ start: [0, 0, 0], stop: [...plan.shape] }, { data: reorientVoxels(labels, shape, plan), shape: [...plan.shape], dtype: 'uint8' });
    await mask.close();
    return { windows, classes: channels, ...(confidence !== undefined ? { confidence } : {}) };
  }

  /** Writes `<name>.zarr` under a temporary name and renames it into place when complete. */
  private async writeLogits(file: string, bits: Uint16Array, shape: number[], geometry: { spacing: number[]; origin: number[]; direction: number[] }): Promise<void> {
    const final = join(this.config.outputDir, logitsZarrName(file));
    const temp = `${final}.partial-${randomBytes(4).toString('hex')}`;
    try {
      const [C, Z, Y, X] = shape as [number, number, number, number];
      const zarr = await createVolume(temp, {
        format: 'zarr3',
        shape,
        dtype: 'float16',
        chunkShape: [1, Math.min(Z, 64), Math.min(Y, 128), Math.min(X, 128)],
        codec: LOGITS_CODEC,
        dimensionNames: ['c', 'z', 'y', 'x'],
        attributes: {
          itk_infer: {
            source: file,
            description: 'mean sliding-window logits (pre-softmax), reoriented to LPI like the segmentation',
            orientation: 'LPI',
            classes: C,
            spacing: geometry.spacing,
            origin: geometry.origin,
            direction: geometry.direction,
            window: this.settings.window,
            patch_size: this.settings.patchSize,
            patch_stride: this.settings.stride,
          },
        },
        overwrite: true,
      });
      await zarr.write({ start: [0, 0, 0, 0], stop: shape }, { data: bits, shape, dtype: 'float16' });
      await zarr.close();
      if (existsSync(final)) await rm(final, { recursive: true, force: true });
      await rename(temp, final);
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      throw e;
    }
  }

  /** Releases the model session. */
  async dispose(): Promise<void> {
    await this.backend.dispose();
  }
}

/** An error's message, first line, with its causes' messages when they add something (for the OOM check). */
function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, i = 0; c !== undefined && c !== null && i < 4; i++) {
    const m = (c instanceof Error ? c.message : String(c)).split('\n')[0]!.trim();
    if (m && !parts.some((p) => p.includes(m))) parts.push(m);
    c = c instanceof Error ? c.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}
