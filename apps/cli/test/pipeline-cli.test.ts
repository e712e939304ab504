import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import { validateMultiscales } from '@voxelflow/ome-ngff';
import { openStore, startS3rver, type S3rverHandle } from '@voxelflow/remote-storage';
import { openVolume } from '@voxelflow/volume-io';
import sharp from 'sharp';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, testData } from './run-cli';

let dir: string;
let s3: S3rverHandle;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-cli-pipeline-'));
  s3 = await startS3rver({ buckets: ['vf'] });
});
afterAll(async () => {
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Level 0 of a local OME-Zarr output, read with zarrita. */
async function level0(output: string) {
  const arr = await zarr.open.v2(new FileSystemStore(join(output, '0')), { kind: 'array' });
  const got = await zarr.get(arr);
  return { data: got.data as ArrayLike<number>, shape: arr.shape };
}

/** The NGFF rules the spec sets, checked on a written output. */
function checkNgff(output: string) {
  const attrs = JSON.parse(readFileSync(join(output, '.zattrs'), 'utf8'));
  expect(validateMultiscales(attrs, '0.4').filter((p) => p.severity === 'error')).toEqual([]);
  const ms = attrs.multiscales[0];
  expect(ms.axes.map((a: { name: string }) => a.name)).toEqual(['z', 'y', 'x']);
  expect(ms.axes.every((a: { type: string }) => a.type === 'space')).toBe(true);
  let prev = 0;
  ms.datasets.forEach((d: { path: string; coordinateTransformations: { type: string; scale?: number[] }[] }, k: number) => {
    expect(d.path).toBe(String(k));
    const scales = d.coordinateTransformations.filter((t) => t.type === 'scale');
    expect(scales).toHaveLength(1);
    expect(d.coordinateTransformations[0]!.type).toBe('scale');
    expect(scales[0]!.scale).toHaveLength(3);
    expect(scales[0]!.scale![0]!).toBeGreaterThan(prev); // decreasing resolution
    prev = scales[0]!.scale![0]!;
  });
  return attrs;
}

describe('voxelflow pipeline', () => {
  it('runs the bundled demo with no arguments and writes a valid OME-Zarr and a PNG preview', async () => {
    const cwd = join(dir, 'demo');
    const r = await runCli(['pipeline', '--quiet'], { INIT_CWD: cwd }, cwd);
    expect(r.code).toBe(0);
    const out = join(cwd, 'voxelflow-demo.zarr');
    checkNgff(out);
    expect(existsSync(join(out, '.voxelflow_complete'))).toBe(true);
    const meta = await sharp(join(cwd, 'voxelflow-demo.png')).metadata();
    expect([meta.width, meta.height]).toEqual([160 + 160 + 160 + 8, 160]);
    const mask = await level0(out);
    let on = 0;
    for (let i = 0; i < mask.data.length; i++) if (mask.data[i] === 255) on++;
    expect(on / mask.data.length).toBeGreaterThan(0.05); // the sheets
    expect(on / mask.data.length).toBeLessThan(0.6);
  }, 120_000);

  it('fused and staged outputs of the UNet agree within float16 precision; masks agree on ≥ 99.99 % of voxels', async () => {
    const input = testData('volumes/scroll_v2.zarr');
    const model = testData('models/unet3d-tiny.onnx');
    const common = ['--input', input, '--model', model, '--disable-tta', '--workers', '1', '--quiet'];
    const fused = join(dir, 'unet-fused.zarr');
    const staged = join(dir, 'unet-staged.zarr');
    expect((await runCli(['pipeline', ...common, '--output', fused, '--dtype', 'float32'])).code).toBe(0);
    const s = await runCli(['pipeline', ...common, '--output', staged, '--dtype', 'float32', '--staged']);
    expect(s.code).toBe(0);
    // Intermediates are removed unless --keep-intermediates.
    expect(existsSync(join(`${staged}_work`, 'logits', 'logits_part_0.zarr', '.zarray'))).toBe(false);
    const a = await level0(fused);
    const b = await level0(staged);
    expect(a.shape).toEqual(b.shape);
    let maxDiff = 0;
    let agree = 0;
    for (let i = 0; i < a.data.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a.data[i]! - b.data[i]!));
      if (a.data[i]! > 0.5 === b.data[i]! > 0.5) agree++;
    }
    // Staged stores logits in float16 (≈ 2^-11 relative); the probability moves by at most |Δl|/4.
    expect(maxDiff).toBeLessThan(2e-3);
    expect(agree / a.data.length).toBeGreaterThanOrEqual(0.9999);
    const meta = JSON.parse(readFileSync(join(fused, 'metadata.json'), 'utf8'));
    const text = JSON.stringify(meta);
    for (const key of ['"input"', '"sha256"', '"patch_size"', '"overlap"', '"normalization"', '"tta"', '"mode"', '"voxelflow_version"', 'onnxruntime-node']) {
      expect(text).toContain(key);
    }
    checkNgff(fused);
    checkNgff(staged);
  }, 240_000);

  it('four predict processes on one s3rver prefix, then blend and finalize on S3, equal the local single-process run', async () => {
    const input = testData('volumes/scroll_v2.zarr');
    const model = testData('models/analytic3d.onnx');
    const env = s3.env;
    const prefix = `s3://vf/run`;
    const parts = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        runCli(['predict', '--model-path', model, '--input-dir', input, '--output-dir', `${prefix}/logits`, '--num-parts', '4', '--part-id', String(i), '--disable-tta', '--normalization', 'instance_minmax', '--quiet'], env),
      ),
    );
    for (const p of parts) expect(p.stderr).not.toMatch(/voxelflow:/);
    expect(parts.map((p) => p.code)).toEqual([0, 0, 0, 0]);
    expect((await runCli(['blend', `${prefix}/logits`, `${prefix}/blended.zarr`, '--num-workers', '1', '--quiet'], env)).code).toBe(0);
    const fin = await runCli(['finalize', `${prefix}/blended.zarr`, `${prefix}/final.zarr`, '--threshold', '--quiet'], env);
    expect(fin.code).toBe(0);

    const local = join(dir, 'local.zarr');
    const l = await runCli(['pipeline', '--input', input, '--model', model, '--output', local, '--disable-tta', '--normalization', 'instance_minmax', '--threshold', '--staged', '--workers', '1', '--quiet']);
    expect(l.code).toBe(0);
    const a = await level0(local);
    process.env['AWS_ENDPOINT_URL'] = s3.endpoint;
    Object.assign(process.env, env);
    const remote = await openVolume(`${prefix}/final.zarr/0`);
    const b = (await remote.read({ start: [0, 0, 0], stop: [...remote.shape] })).data;
    expect(remote.shape).toEqual(a.shape);
    let differ = 0;
    for (let i = 0; i < b.length; i++) if (b[i] !== a.data[i]) differ++;
    expect(differ).toBe(0);
    const store = await openStore(`${prefix}/final.zarr`);
    expect(await store.head('.voxelflow_complete')).toBeDefined();
  }, 240_000);
});
