/** The ensemble rules of `--model-config`/`--model-weights`, and the GPU dealing of `--gpus`. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelConfigError } from '@voxelflow/particles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGpus } from '../src/commands/segment';
import { dealRuns } from '../src/gpu-children';
import { loadModelSet } from '../src/model-set';
import { UsageError } from '../src/usage-error';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-picker-models-'));
  await writeFile(file('a.yaml'), 'model: {num_classes: 3, dim_in: 48}\nlabels: {background: 0, ribosome: 1, apo: 2}\nonnx: a.onnx\n');
  await writeFile(file('b.json'), JSON.stringify({ labels: ['background', 'ribosome', 'apo'], patch_size: [48, 48, 48], onnx: '/models/b.onnx' }));
  await writeFile(file('other-labels.yaml'), 'model: {num_classes: 3, dim_in: 48}\nlabels: {background: 0, apo: 1, ribosome: 2}\n');
  await writeFile(file('no-patch.yaml'), 'labels: {background: 0, ribosome: 1}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadModelSet', () => {
  it('pairs configs with weights one to one, or reuses a single config for every weight file (octopi)', async () => {
    const one = await loadModelSet(file('a.yaml'), undefined);
    expect(one.onnx).toEqual([file('a.onnx')]); // relative onnx resolved beside the config
    expect(one).toMatchObject({ numClasses: 3, patchSize: [48, 48, 48], labels: { background: 0, ribosome: 1, apo: 2 } });

    const reused = await loadModelSet(file('a.yaml'), '/w/1.onnx,/w/2.onnx');
    expect(reused.onnx).toEqual(['/w/1.onnx', '/w/2.onnx']);
    expect(reused.configPaths).toEqual([file('a.yaml')]);

    const pair = await loadModelSet(`${file('a.yaml')},${file('b.json')}`, undefined);
    expect(pair.onnx).toEqual([file('a.onnx'), '/models/b.onnx']);
  });

  it('refuses ensembles whose models disagree, mismatched lists and PyTorch weights', async () => {
    await expect(loadModelSet(`${file('a.yaml')},${file('other-labels.yaml')}`, '/1.onnx,/2.onnx')).rejects.toThrow(/must share their labels/);
    await expect(loadModelSet(`${file('a.yaml')},${file('b.json')}`, '/1.onnx')).rejects.toThrow(UsageError);
    await expect(loadModelSet(file('a.yaml'), '/m/best_model.pth')).rejects.toThrow(/PyTorch checkpoint/);
    await expect(loadModelSet(file('other-labels.yaml'), undefined)).rejects.toThrow(/names no ONNX file; add "onnx: model.onnx" to it or pass --model-weights/);
    await expect(loadModelSet(file('no-patch.yaml'), '/1.onnx')).rejects.toThrow(ModelConfigError);
  });
});

describe('--gpus', () => {
  it('a count means GPUs 0…N−1, a list means those ids; runs are dealt round-robin', () => {
    expect(parseGpus('2')).toEqual([0, 1]);
    expect(parseGpus('0,3')).toEqual([0, 3]);
    expect(parseGpus(undefined)).toEqual([]);
    expect(() => parseGpus('1.5')).toThrow(UsageError);
    expect(dealRuns(['r0', 'r1', 'r2', 'r3', 'r4'], [0, 3])).toEqual([
      { gpu: 0, runs: ['r0', 'r2', 'r4'] },
      { gpu: 3, runs: ['r1', 'r3'] },
    ]);
    expect(dealRuns(['r0'], [0, 1, 2])).toEqual([{ gpu: 0, runs: ['r0'] }]);
  });
});
