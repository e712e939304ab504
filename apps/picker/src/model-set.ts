/**
 * The models of one `segment` call: octopi's comma-separated `--model-config` and `--model-weights`
 * lists turned into ONNX files plus the labels, class count and patch size they share. A single config
 * is reused for every weight file, as octopi does; otherwise the lists pair up one to one.
 */
import { isAbsolute, resolve } from 'node:path';
import { readModelConfig, type ModelConfig } from '@voxelflow/particles';
import { UsageError } from './usage-error';

/** The ensemble a `segment` call runs. */
export interface ModelSet {
  /** The model configs as given (absolute for local paths), one per model or one for all. */
  configPaths: string[];
  /** The parsed configs, in `configPaths` order. */
  configs: ModelConfig[];
  /** One ONNX file per model of the ensemble. */
  onnx: string[];
  /** Object name → class index, from the first config (as octopi's segment log records it). */
  labels: Record<string, number>;
  /** Output channels every model gives (background included). */
  numClasses: number;
  /** Patch size (z, y, x) every model runs on. */
  patchSize: [number, number, number];
}

/** Splits a comma-separated flag value (or repeated flags) into trimmed, non-empty items. */
export function splitList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** A local path made absolute (child processes and the segment log then agree); URLs stay as they are. */
export function absoluteLocation(p: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || isAbsolute(p) ? p : resolve(p);
}

/**
 * Reads the model configs and pairs them with the weight files. Weights default to each config's
 * `onnx` key. Throws {@link UsageError} for mismatched lists or PyTorch weights, and particles'
 * `ModelConfigError` for a config that is not a model config.
 */
export async function loadModelSet(configValue: unknown, weightsValue: unknown): Promise<ModelSet> {
  const configPaths = splitList(configValue).map(absoluteLocation);
  const weightPaths = splitList(weightsValue).map(absoluteLocation);
  if (configPaths.length === 0) throw new UsageError('--model-config is required: a model config (YAML or JSON), or several separated by commas');
  if (weightPaths.length > 0 && configPaths.length > 1 && weightPaths.length !== configPaths.length) {
    throw new UsageError(
      `--model-config names ${configPaths.length} configs but --model-weights ${weightPaths.length} files; give one config per weight file, or a single config for all`,
    );
  }
  for (const w of weightPaths) {
    if (/\.(pth|pt|ckpt)$/i.test(w)) {
      throw new UsageError(`--model-weights ${w} is a PyTorch checkpoint; VoxelFlow runs ONNX: export the model (torch.onnx.export) and pass the .onnx file`);
    }
  }
  const configs: ModelConfig[] = [];
  for (const c of configPaths) configs.push(await readModelConfig(c));

  const count = Math.max(configPaths.length, weightPaths.length);
  const configOf = (i: number): ModelConfig => configs[configs.length === 1 ? 0 : i]!;
  const onnx: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = weightPaths[i] ?? configOf(i).onnx;
    if (file === undefined) {
      throw new UsageError(`model config ${configPaths[configs.length === 1 ? 0 : i]} names no ONNX file; add "onnx: model.onnx" to it or pass --model-weights`);
    }
    onnx.push(file);
  }

  const first = configs[0]!;
  for (let i = 1; i < configs.length; i++) {
    const c = configs[i]!;
    const sameLabels = JSON.stringify(Object.entries(c.labels).sort()) === JSON.stringify(Object.entries(first.labels).sort());
    if (!sameLabels) {
      throw new UsageError(`the models of an ensemble must share their labels: ${configPaths[0]} and ${configPaths[i]} map objects to different class indices`);
    }
    if (c.numClasses !== first.numClasses || c.patchSize.some((p, a) => p !== first.patchSize[a])) {
      throw new UsageError(
        `the models of an ensemble must agree: ${configPaths[0]} has ${first.numClasses} classes and patch ${first.patchSize.join('×')}, ` +
          `${configPaths[i]} has ${c.numClasses} and ${c.patchSize.join('×')}`,
      );
    }
  }
  return { configPaths, configs, onnx, labels: { ...first.labels }, numClasses: first.numClasses, patchSize: [...first.patchSize] };
}
