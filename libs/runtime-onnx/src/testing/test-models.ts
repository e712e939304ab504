/**
 * The committed test models (test-data/models) and the facts MANIFEST.json records about them, as
 * ResolvedModels any backend can load.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ModelCard, ResolvedModel } from '@voxelflow/inference';

/** Names of the committed test models. */
export type TestModelName = 'analytic3d' | 'analytic3d-fp16' | 'unet3d-tiny' | 'multiclass3d' | 'ink25d';

/** Every committed test model. */
export const TEST_MODEL_NAMES: readonly TestModelName[] = [
  'analytic3d',
  'analytic3d-fp16',
  'unet3d-tiny',
  'multiclass3d',
  'ink25d',
];

/** What MANIFEST.json says about one model. */
export interface TestModelFacts {
  /** Path of the .onnx file below test-data/, e.g. `models/analytic3d.onnx`. */
  file: string;
  /** The card embedded in the model's metadata_props. */
  card: ModelCard;
  /** The model's one input as declared. */
  input: {
    /** Graph input name. */
    name: string;
    /** Element type, e.g. `float32`. */
    dtype: string;
    /** Declared shape; strings are symbolic dimensions. */
    shape: (number | string)[];
  };
  /** The model's first output as declared. */
  output: {
    /** Graph output name. */
    name: string;
    /** Element type, e.g. `float32`. */
    dtype: string;
    /** Declared shape; strings are symbolic dimensions. */
    shape: (number | string)[];
  };
  /** The generator's parameters (weights, biases, formula terms) for expected values. */
  parameters: Record<string, unknown>;
}

/**
 * The repository's test-data directory: `dir` when given, else the first `test-data/MANIFEST.json`
 * found walking up from the working directory (tests run from the repository root or a package).
 */
export function findTestData(dir?: string): string {
  if (dir) return resolve(dir);
  let d = process.cwd();
  for (;;) {
    if (existsSync(join(d, 'test-data', 'MANIFEST.json'))) return join(d, 'test-data');
    const up = dirname(d);
    if (up === d) throw new Error(`no test-data/MANIFEST.json above ${process.cwd()}; pass testDataDir`);
    d = up;
  }
}

/** MANIFEST.json's `datasets.models` entry for `name`. */
export function testModelFacts(testDataDir: string, name: TestModelName): TestModelFacts {
  const manifest = JSON.parse(readFileSync(join(testDataDir, 'MANIFEST.json'), 'utf8')) as {
    datasets: { models: Record<string, TestModelFacts> };
  };
  const facts = manifest.datasets.models[name];
  if (!facts) throw new Error(`MANIFEST.json has no model ${name}`);
  return facts;
}

/** A test model as model resolution would hand it to a backend (no sidecar card: `card` is empty). */
export function loadTestModel(testDataDir: string, name: TestModelName): ResolvedModel {
  const source = join(testDataDir, 'models', `${name}.onnx`);
  const bytes = new Uint8Array(readFileSync(source));
  return { source, name, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), card: {} };
}
