import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import { validateMultiscales } from '@voxelflow/ome-ngff';
import { createVolume } from '@voxelflow/volume-io';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineOptions } from '../src';
import { AnalyticBackend } from './analytic-backend';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-pipeline-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Values on a 1/16 grid: 4(x − 0.5) and the analytic logits are exact in float16, so staged = fused. */
async function volume(name: string, shape: [number, number, number]) {
  const [Z, Y, X] = shape;
  const data = new Float32Array(Z * Y * X);
  for (let z = 0; z < Z; z++) for (let i = 0; i < Y * X; i++) data[z * Y * X + i] = ((z * 7 + i * 3) % 17) / 16;
  const url = join(dir, name);
  const v = await createVolume(url, { format: 'zarr2', shape, dtype: 'float32', chunkShape: [16, 16, 16] });
  await v.write({ start: [0, 0, 0], stop: shape }, { data, shape });
  return { url, data, shape };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Max |p − sigmoid(4(x − 0.5))| of level 0 (float32) or in units of 1/255 (uint8), read with zarrita. */
async function checkOutput(output: string, input: { data: Float32Array }, dtype: 'float32' | 'uint8') {
  const root = new FileSystemStore(output);
  const attrs = JSON.parse(readFileSync(join(output, '.zattrs'), 'utf8'));
  expect(validateMultiscales(attrs, '0.4').filter((p) => p.severity === 'error')).toEqual([]);
  const level0 = await zarr.open.v2(root, { kind: 'group' }).then((g) => zarr.open.v2(g.resolve('0'), { kind: 'array' }));
  const got = await zarr.get(level0);
  const values = got.data as ArrayLike<number>;
  let maxErr = 0;
  for (let i = 0; i < input.data.length; i++) {
    const want = sigmoid(4 * (input.data[i]! - 0.5));
    const p = dtype === 'uint8' ? values[i]! / 255 : values[i]!;
    maxErr = Math.max(maxErr, Math.abs(p - want));
  }
  return { maxErr, shape: level0.shape, attrs };
}

function base(input: string, output: string, extra: Partial<PipelineOptions> = {}): PipelineOptions {
  return { input, output, model: [], backends: [new AnalyticBackend()], tta: 'none', normalization: 'none', patchSize: [16, 16, 16], workers: 1, ...extra };
}

describe('runPipeline with the analytic model', () => {
  it('fused, staged and staged with 3 parts give sigmoid(4(x − 0.5)) within 1e-6 (float32) and 1/255 (uint8)', async () => {
    const input = await volume('v.zarr', [40, 37, 29]);
    // Part processes resolve the model file, then the test factory returns the analytic backend for it.
    const model = new URL('../../../test-data/models/analytic3d.onnx', import.meta.url).pathname;
    const runs: [string, Partial<PipelineOptions>][] = [
      ['fused', {}],
      ['staged', { staged: true }],
      ['staged3', { staged: true, workers: 3, model, backends: undefined, backendModule: { specifier: new URL('./analytic-backend-module.ts', import.meta.url).href, exportName: 'createAnalyticBackend' } }],
      ['fused3', { workers: 3, model, backends: undefined, backendModule: { specifier: new URL('./analytic-backend-module.ts', import.meta.url).href, exportName: 'createAnalyticBackend' } }],
    ];
    for (const [name, extra] of runs) {
      // Part processes cost a Node start each: the 3-part routes check one dtype each.
      const dtypes = name === 'staged3' ? (['float32'] as const) : name === 'fused3' ? (['uint8'] as const) : (['float32', 'uint8'] as const);
      for (const dtype of dtypes) {
        const out = join(dir, `${name}-${dtype}.zarr`);
        const r = await runPipeline(base(input.url, out, { ...extra, dtype }));
        expect(r.finalize?.noDataVoxels).toBe(0);
        const c = await checkOutput(out, input, dtype);
        expect(c.shape).toEqual([40, 37, 29]);
        if (dtype === 'float32') expect(c.maxErr).toBeLessThan(1e-6);
        else expect(c.maxErr).toBeLessThanOrEqual(0.5 / 255 + 1e-9);
        const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
        expect(JSON.stringify(meta)).toContain('"patch_size"');
      }
    }
  }, 180_000);

  it('works on a volume smaller than one patch (fused and staged)', async () => {
    const input = await volume('small.zarr', [9, 11, 7]);
    for (const staged of [false, true]) {
      const out = join(dir, `small-${staged}.zarr`);
      await runPipeline(base(input.url, out, { staged, dtype: 'float32' }));
      const c = await checkOutput(out, input, 'float32');
      expect(c.shape).toEqual([9, 11, 7]);
      expect(c.maxErr).toBeLessThan(1e-6);
    }
  });
});

describe('runPipeline with a hub model and part processes', () => {
  it('runs an hf:// model in part processes, downloading it once into the shared cache', async () => {
    const { startFakeHub } = await import('@voxelflow/remote-storage');
    const { mkdir, copyFile } = await import('node:fs/promises');
    const repoDir = join(dir, 'hub-repo');
    await mkdir(repoDir, { recursive: true });
    await copyFile(new URL('../../../test-data/models/analytic3d.onnx', import.meta.url), join(repoDir, 'model.onnx'));
    const hub = await startFakeHub({ repos: { 'org/analytic': repoDir } });
    const saved = { HF_ENDPOINT: process.env['HF_ENDPOINT'], HF_HOME: process.env['HF_HOME'] };
    process.env['HF_ENDPOINT'] = hub.hubUrl;
    process.env['HF_HOME'] = join(dir, 'hf-home');
    try {
      const input = await volume('hub.zarr', [24, 20, 20]);
      const out = join(dir, 'hub-out.zarr');
      const backendModule = { specifier: new URL('./analytic-backend-module.ts', import.meta.url).href, exportName: 'createAnalyticBackend' };
      await runPipeline(base(input.url, out, { model: 'hf://org/analytic', backends: undefined, backendModule, workers: 3, dtype: 'float32' }));
      const c = await checkOutput(out, input, 'float32');
      expect(c.maxErr).toBeLessThan(1e-6);
      // One download (a size probe, then the file); the three part processes only asked for metadata and
      // read the file from the cache. (The parent fetches first so that they never race to download it;
      // whether they would here depends on timing, so this checks the outcome, not the race.)
      expect(hub.requests.filter((r) => /\/resolve\/.*model\.onnx/.test(r))).toHaveLength(2);
      expect(hub.requests.filter((r) => r.startsWith('POST') && /paths-info/.test(r)).length).toBeGreaterThanOrEqual(6);
    } finally {
      process.env['HF_ENDPOINT'] = saved.HF_ENDPOINT ?? '';
      if (saved.HF_ENDPOINT === undefined) delete process.env['HF_ENDPOINT'];
      if (saved.HF_HOME === undefined) delete process.env['HF_HOME'];
      else process.env['HF_HOME'] = saved.HF_HOME;
      await hub.close();
    }
  }, 180_000);
});
