import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageProcessor, type ProcessorConfig } from '../src/image-processor';
import { ANALYTIC, TEST_DATA, huVoxels, readImage, writeImage } from './helpers';

let dir: string;
let input: string;
const data = huVoxels(9 * 11 * 13, 21);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itk-infer-proc-'));
  input = join(dir, 'in');
  await mkdir(input);
  await writeImage(join(input, 'x.nii'), [9, 11, 13], { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] }, data);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const config = (onnx: string, outputDir: string, over: Partial<ProcessorConfig> = {}): ProcessorConfig => ({
  inputDir: input,
  outputDir,
  onnx,
  device: 'cpu',
  threads: 1,
  wl: 40,
  ww: 400,
  fp16: false,
  saveLogits: false,
  saveConf: false,
  ...over,
});

describe('ImageProcessor', () => {
  it('runs a float16 model with --fp16 and gets the same threshold', async () => {
    const out = join(dir, 'fp16');
    await mkdir(out);
    const p = await ImageProcessor.create(config(join(TEST_DATA, 'models', 'analytic3d-fp16.onnx'), out, { fp16: true, patchSize: [8, 8, 8] }));
    try {
      expect(p.notes).toEqual([]);
      expect(p.settings).toMatchObject({ patchSize: [8, 8, 8], stride: [4, 4, 4], batchSize: 1 });
      const r = await p.process('x.nii');
      expect(r).toMatchObject({ ok: true, classes: 2, windows: 2 * 2 * 3 });
    } finally {
      await p.dispose();
    }
    const seg = await readImage(join(out, 'x.nii'));
    // Direction diag(1, 1, −1) is already LPI: voxel order unchanged. Values 40 ± 1 are far from float16 ties.
    expect(Array.from(seg.data)).toEqual(Array.from(data, (v) => (v > 40 ? 1 : 0)));
  });

  it('says once that --fp16 has no effect on a float32 model', async () => {
    const p = await ImageProcessor.create(config(ANALYTIC, join(dir, 'unused'), { fp16: true }));
    try {
      expect(p.notes).toHaveLength(1);
      expect(p.notes[0]).toMatch(/--fp16: model .*analytic3d\.onnx takes float32 input/);
    } finally {
      await p.dispose();
    }
  });

  it('reports a file it cannot read as an outcome, not an exception', async () => {
    const p = await ImageProcessor.create(config(ANALYTIC, join(dir, 'unused')));
    try {
      const r = await p.process('missing.mha');
      expect(r.ok).toBe(false);
      expect(r.ok === false && r.error).toMatch(/missing\.mha/);
    } finally {
      await p.dispose();
    }
  });
});
