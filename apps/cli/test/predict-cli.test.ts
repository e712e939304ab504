import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import { createVolume } from '@voxelflow/volume-io';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, testData } from './run-cli';

let dir: string;
beforeAll(async () => {
  (globalThis as { Float16Array?: unknown }).Float16Array ??= (await import('@petamoriken/float16')).Float16Array;
  dir = await mkdtemp(join(tmpdir(), 'vf-cli-predict-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const analytic = testData('models/analytic3d.onnx');

/** Max |(l1 − l0) − 4(x − 0.5)| over every stored voxel of a part, reading input and output with zarrita. */
async function maxAnalyticError(out: string, input: { data: ArrayLike<number>; shape: number[] }, partId = 0) {
  const logits = await zarr.open.v2(new FileSystemStore(join(out, `logits_part_${partId}.zarr`)), { kind: 'array' });
  const coords = await zarr.get(await zarr.open.v2(new FileSystemStore(join(out, `coordinates_part_${partId}.zarr`)), { kind: 'array' }));
  const [N, , pz, py, px] = logits.shape as number[];
  const [Z, Y, X] = input.shape as [number, number, number];
  const starts = coords.data as Int32Array;
  let maxErr = 0;
  let stored = 0;
  for (let i = 0; i < N!; i++) {
    if (!existsSync(join(out, `logits_part_${partId}.zarr`, `${i}.0.0.0.0`))) continue;
    stored++;
    const v = (await logits.getChunk([i, 0, 0, 0, 0])).data as unknown as ArrayLike<number>;
    const vox = pz! * py! * px!;
    for (let z = 0; z < pz!; z++)
      for (let y = 0; y < py!; y++)
        for (let x = 0; x < px!; x++) {
          const gz = starts[i * 3]! + z, gy = starts[i * 3 + 1]! + y, gx = starts[i * 3 + 2]! + x;
          const inside = gz >= 0 && gy >= 0 && gx >= 0 && gz < Z && gy < Y && gx < X;
          const xv = inside ? input.data[(gz * Y + gy) * X + gx]! : 0;
          const p = (z * py! + y) * px! + x;
          const want = 4 * (xv - 0.5);
          // Relative float16 error of two stored values of magnitude ≈ |want| / 2.
          const tol = Math.max(2 ** -10, Math.abs(want) * 2 ** -11) * 1.01;
          maxErr = Math.max(maxErr, Math.abs(v[vox + p]! - v[p]! - want) / tol);
        }
  }
  return { relErr: maxErr, stored, N: N! };
}

async function readInput(url: string) {
  const arr = await zarr.open.v2(new FileSystemStore(url), { kind: 'array' });
  const got = await zarr.get(arr);
  return { data: got.data as unknown as ArrayLike<number>, shape: arr.shape };
}

describe('voxelflow predict (analytic ONNX model, real onnxruntime-node)', () => {
  it('stores logits equal to 4(x − 0.5) on the scroll volume: TTA off, then mirroring on a bbox', async () => {
    const input = testData('volumes/scroll_v2.zarr');
    const vol = await readInput(input);
    const off = join(dir, 'off');
    const r = await runCli(['predict', '--model_path', analytic, '--input_dir', input, '--output_dir', off, '--disable_tta', '--batch_size', '4', '--bbox', '0,0,0,64,160,96']);
    expect(r.stderr).toMatch(/patches run/);
    expect(r.code).toBe(0);
    const a = await maxAnalyticError(off, vol);
    expect(a.stored).toBeGreaterThan(100);
    expect(a.stored).toBeLessThan(a.N); // absent input chunks were skipped
    expect(a.relErr).toBeLessThanOrEqual(1);
    const attrs = JSON.parse(readFileSync(join(off, 'logits_part_0.zarr', '.zattrs'), 'utf8'));
    expect(attrs.voxelflow.complete).toBe(true);
    expect(attrs.original_volume_shape).toEqual([96, 160, 160]);

    const mirror = join(dir, 'mirror');
    const m = await runCli(['predict', '--model-path', analytic, '--input-dir', input, '--output-dir', mirror, '--tta-type', 'mirroring', '--bbox', '32,48,48,64,96,96']);
    expect(m.code).toBe(0);
    const b = await maxAnalyticError(mirror, vol);
    expect(b.stored).toBeGreaterThan(0);
    expect(b.relErr).toBeLessThanOrEqual(1);
  }, 180_000);

  it('handles a volume smaller than one patch', async () => {
    const url = join(dir, 'tiny.zarr');
    const shape = [10, 12, 9];
    const data = new Uint8Array(1080).map((_, i) => (i * 37) % 251);
    const v = await createVolume(url, { format: 'zarr2', shape, dtype: 'uint8', chunkShape: shape });
    await v.write({ start: [0, 0, 0], stop: shape }, { data, shape });
    const out = join(dir, 'tiny-out');
    const r = await runCli(['predict', '--model-path', analytic, '--input-dir', url, '--output-dir', out, '--disable-tta']);
    expect(r.code).toBe(0);
    const a = await maxAnalyticError(out, { data, shape });
    expect(a.stored).toBe(1);
    expect(a.relErr).toBeLessThanOrEqual(1);
  });

  it('takes the part from the scheduler environment and estimates without running', async () => {
    const input = testData('volumes/scroll_v2.zarr');
    const est = await runCli(['predict', '--model-path', analytic, '--input-dir', input, '--output-dir', join(dir, 'est'), '--num-parts', '2', '--estimate'], {
      JOB_COMPLETION_INDEX: '1',
    });
    expect(est.code).toBe(0);
    expect(est.stdout).toMatch(/^part 1\/2: \d+ patches of 32×32×32 \(\d+ skipped: input chunks absent\)/);
    expect(est.stdout).toMatch(/input: \d+ chunks, [\d.]+ MiB decoded/);
    expect(existsSync(join(dir, 'est', 'logits_part_1.zarr'))).toBe(false);
  });
});

describe('voxelflow predict errors: one line, non-zero exit, no complete-looking output', () => {
  async function expectFailure(args: string[], pattern: RegExp, out?: string) {
    const r = await runCli(args);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('voxelflow:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    if (out && existsSync(join(out, 'logits_part_0.zarr', '.zattrs'))) {
      const attrs = JSON.parse(readFileSync(join(out, 'logits_part_0.zarr', '.zattrs'), 'utf8'));
      expect(attrs.voxelflow?.complete).not.toBe(true);
    }
  }
  const input = () => testData('volumes/scroll_v2.zarr');

  it('model input channels ≠ volume channels', async () => {
    const url = join(dir, 'two-channel.zarr');
    const v = await createVolume(url, { format: 'zarr2', shape: [2, 8, 8, 8], dtype: 'uint8', chunkShape: [2, 8, 8, 8] });
    await v.write({ start: [0, 0, 0, 0], stop: [2, 8, 8, 8] }, { data: new Uint8Array(1024).fill(3), shape: [2, 8, 8, 8] });
    await expectFailure(['predict', '--model-path', analytic, '--input-dir', url, '--output-dir', join(dir, 'e1')], /expects 1 input channel but .*two-channel\.zarr has 2/, join(dir, 'e1'));
  });
  it('patch larger than a fixed model input', async () => {
    await expectFailure(
      ['predict', '--model-path', testData('models/unet3d-tiny.onnx'), '--input-dir', input(), '--output-dir', join(dir, 'e2'), '--patch-size', '96,96,96'],
      /patch 96×96×96 does not fit .*unet3d-tiny\.onnx, whose input is fixed at 64×64×64/,
    );
  });
  it('NaN in the input', async () => {
    const url = join(dir, 'nan.zarr');
    const v = await createVolume(url, { format: 'zarr2', shape: [8, 8, 8], dtype: 'float32', chunkShape: [8, 8, 8] });
    const data = new Float32Array(512).fill(0.25);
    data[77] = Number.POSITIVE_INFINITY;
    await v.write({ start: [0, 0, 0], stop: [8, 8, 8] }, { data, shape: [8, 8, 8] });
    await expectFailure(['predict', '--model-path', analytic, '--input-dir', url, '--output-dir', join(dir, 'e3'), '--disable-tta'], /nan\.zarr holds Infinity/, join(dir, 'e3'));
  });
  it('unknown normalization', async () => {
    await expectFailure(['predict', '--model-path', analytic, '--input-dir', input(), '--output-dir', join(dir, 'e4'), '--normalization', 'zscore2'], /unknown normalization 'zscore2': use one of/);
  });
  it('ct without intensity statistics', async () => {
    await expectFailure(['predict', '--model-path', analytic, '--input-dir', input(), '--output-dir', join(dir, 'e5'), '--normalization', 'ct'], /ct normalization needs intensity statistics: pass --intensity-properties-json/);
  });
  it('device unavailable', async () => {
    await expectFailure(['predict', '--model-path', analytic, '--input-dir', input(), '--output-dir', join(dir, 'e6'), '--device', 'cuda'], /device cuda: .*not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12.*--device cpu/);
  });
  it('a missing input names the path', async () => {
    await expectFailure(['predict', '--model-path', analytic, '--input-dir', join(dir, 'nope.zarr'), '--output-dir', join(dir, 'e7')], /nope\.zarr/);
  });
});
