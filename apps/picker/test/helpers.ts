/** Shared fixtures: a writable copy of the test copick project, a model config, the manifest's facts. */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testData } from './run-cli';

/** The particle types of the test project, from test-data/MANIFEST.json. */
export interface ManifestParticle {
  name: string;
  label: number;
  radius: number;
}

/** What the manifest says about the copick dataset (the expected values of these tests). */
export interface CopickManifest {
  particleTypes: ManifestParticle[];
  voxelSize: number;
  runs: Record<
    string,
    {
      labelMap: { shape: number[]; voxelsPerLabel: number[] };
      picks: Record<string, { centresZYXVoxels: number[][]; locationsXYZAngstrom: number[][] }>;
    }
  >;
}

export function copickManifest(): CopickManifest {
  return JSON.parse(readFileSync(testData('MANIFEST.json'), 'utf8')).datasets.copick as CopickManifest;
}

/** Copies test-data/copick into a fresh temp folder (the commands write into its overlay); returns the config path. */
export async function copyCopickProject(prefix: string): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(testData('copick'), join(dir, 'copick'), { recursive: true });
  return { dir, config: join(dir, 'copick', 'copick_config.json') };
}

/** An octopi-style model config for test-data/models/multiclass3d.onnx (labels = the copick particle labels). */
export async function writeMulticlassConfig(dir: string, withOnnx = false): Promise<string> {
  const file = join(dir, withOnnx ? 'multiclass3d-onnx.yaml' : 'multiclass3d.yaml');
  const lines = [
    'model:',
    '  architecture: analytic-multiclass',
    '  num_classes: 4',
    '  dim_in: 32',
    'labels:',
    '  background: 0',
    '  apo-ferritin: 1',
    '  beta-galactosidase: 2',
    '  ribosome: 3',
    ...(withOnnx ? [`onnx: ${testData('models/multiclass3d.onnx')}`] : []),
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}
