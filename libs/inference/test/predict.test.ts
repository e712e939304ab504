import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import { PatchGrid } from '@voxelflow/tiling';
import { createVolume } from '@voxelflow/volume-io';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelMismatchError, OutputConflictError, predict, type PredictOptions } from '../src';
import { AnalyticBackend } from './analytic-backend';

let dir: string;
beforeAll(async () => {
  // zarrita reads float16 only with a Float16Array (Node 20 has none); this test reads independently of volume-io.
  (globalThis as { Float16Array?: unknown }).Float16Array ??= (await import('@petamoriken/float16')).Float16Array;
  dir = await mkdtemp(join(tmpdir(), 'vf-predict-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A float32 volume with values in [0, 1] and, when `emptyCorner`, an all-zero first chunk block. */
async function makeVolume(name: string, shape: number[], chunk: number[], emptyCorner = false) {
  const url = join(dir, name);
  const [Z, Y, X] = shape as [number, number, number];
  const data = new Float32Array(Z * Y * X);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        const zero = emptyCorner && z < chunk[0]! && y < chunk[1]! && x < chunk[2]!;
        data[(z * Y + y) * X + x] = zero ? 0 : ((z * 7 + y * 3 + x) % 17) / 16;
      }
  const vol = await createVolume(url, { format: 'zarr2', shape, dtype: 'float32', chunkShape: chunk });
  await vol.write({ start: [0, 0, 0], stop: shape }, { data, shape });
  return { url, data, shape };
}

/** Reads a part back with zarrita and checks logit₁ − logit₀ = 4(x − 0.5) on every stored voxel. */
async function checkPart(out: string, partId: number, input: { data: Float32Array; shape: number[] }, scale = 1) {
  const logits = await zarr.open.v2(new FileSystemStore(join(out, `logits_part_${partId}.zarr`)), { kind: 'array' });
  const coords = await zarr.open.v2(new FileSystemStore(join(out, `coordinates_part_${partId}.zarr`)), { kind: 'array' });
  const c = await zarr.get(coords);
  const [N, C, pz, py, px] = logits.shape as [number, number, number, number, number];
  expect(C).toBe(2);
  expect(logits.dtype).toBe('float16');
  expect(logits.chunks).toEqual([1, 2, pz, py, px]);
  const [Z, Y, X] = input.shape as [number, number, number];
  let checked = 0;
  let maxErr = 0;
  for (let i = 0; i < N; i++) {
    const s = [(c.data as Int32Array)[i * 3]!, (c.data as Int32Array)[i * 3 + 1]!, (c.data as Int32Array)[i * 3 + 2]!];
    // zarrita answers fill value for an absent chunk; absence (an empty patch) is checked on disk.
    if (!existsSync(join(out, `logits_part_${partId}.zarr`, `${i}.0.0.0.0`))) continue;
    const patch = await logits.getChunk([i, 0, 0, 0, 0]);
    const values = patch.data as unknown as ArrayLike<number>;
    const vox = pz * py * px;
    for (let z = 0; z < pz; z++)
      for (let y = 0; y < py; y++)
        for (let x = 0; x < px; x++) {
          const gz = s[0]! + z, gy = s[1]! + y, gx = s[2]! + x;
          const inside = gz >= 0 && gy >= 0 && gx >= 0 && gz < Z && gy < Y && gx < X;
          const v = inside ? input.data[(gz * Y + gy) * X + gx]! : 0; // padding is 0 in normalized space
          const p = (z * py + y) * px + x;
          const l0 = values[p]!;
          const l1 = values[vox + p]!;
          const want = 4 * scale * (v - 0.5);
          const err = Math.abs(l1 - l0 - want);
          maxErr = Math.max(maxErr, err);
          checked++;
        }
  }
  // float16 keeps 11 significant bits per stored logit; |logit| ≤ 2·scale here.
  expect(maxErr).toBeLessThanOrEqual(2 * scale * 2 ** -10 + 1e-6);
  return { N, checked, maxErr, starts: c.data as Int32Array };
}

function opts(input: string, output: string, extra: Partial<PredictOptions> = {}): PredictOptions {
  return { input, output, model: [], backends: [new AnalyticBackend()], tta: 'none', normalization: 'none', ...extra };
}

describe('predict with the analytic model', () => {
  it('stores logits equal to 4(x − 0.5) for every stored voxel, TTA off then mirroring', async () => {
    const vol = await makeVolume('a.zarr', [24, 37, 41], [16, 16, 16]);
    for (const tta of ['none', 'mirroring'] as const) {
      const out = join(dir, `out-a-${tta}`);
      const r = await predict(opts(vol.url, out, { tta, batchSize: 3 }));
      const grid = new PatchGrid({ shape: vol.shape, patchSize: [16, 16, 16], overlap: 0.5 });
      expect(r.patches).toBe(grid.count);
      expect(r.processed).toBe(grid.count);
      const part = await checkPart(out, 0, vol);
      expect(part.N).toBe(grid.count);
      expect(part.checked).toBe(grid.count * 16 ** 3);
    }
  });

  it('handles a volume smaller than one patch (padded, centre placement)', async () => {
    const vol = await makeVolume('small.zarr', [10, 12, 9], [8, 8, 8]);
    const out = join(dir, 'out-small');
    const r = await predict(opts(vol.url, out));
    expect(r.patches).toBe(1);
    const part = await checkPart(out, 0, vol);
    expect([...part.starts]).toEqual([-3, -2, -3]);
  });

  it('averages an ensemble as logits', async () => {
    const vol = await makeVolume('ens.zarr', [16, 16, 16], [16, 16, 16]);
    const out = join(dir, 'out-ens');
    await predict(opts(vol.url, out, { backends: [new AnalyticBackend(undefined, 1), new AnalyticBackend(undefined, 3)] }));
    await checkPart(out, 0, vol, 2);
  });

  it('splits into parts whose union is the full grid, each slot checked', async () => {
    const vol = await makeVolume('parts.zarr', [40, 20, 20], [16, 16, 16]);
    const seen = new Set<string>();
    for (let id = 0; id < 3; id++) {
      const out = join(dir, 'out-parts');
      const r = await predict(opts(vol.url, out, { numParts: 3, partId: id }));
      expect(r.patches).toBeGreaterThan(0);
      const part = await checkPart(out, id, vol);
      for (let i = 0; i < part.N; i++) seen.add([...part.starts.subarray(i * 3, i * 3 + 3)].join(','));
    }
    const grid = new PatchGrid({ shape: [40, 20, 20], patchSize: [16, 16, 16], overlap: 0.5 });
    expect(seen.size).toBe(grid.count);
  });

  it('skips patches whose input is empty and leaves their slots unstored', async () => {
    const vol = await makeVolume('empty.zarr', [32, 32, 32], [16, 16, 16], true);
    const out = join(dir, 'out-empty');
    const r = await predict(opts(vol.url, out, { overlap: 0 }));
    expect(r.patches).toBe(8);
    expect(r.skippedEmpty).toBe(1);
    expect(r.processed).toBe(7);
    const part = await checkPart(out, 0, vol);
    expect(part.checked).toBe(7 * 16 ** 3);
  });

  it('resumes: a rerun does nothing new; a different configuration is refused unless overwrite', async () => {
    const vol = await makeVolume('resume.zarr', [20, 20, 20], [16, 16, 16]);
    const out = join(dir, 'out-resume');
    const first = await predict(opts(vol.url, out));
    expect(first.processed).toBe(8);
    const backend = new AnalyticBackend();
    const again = await predict(opts(vol.url, out, { backends: [backend] }));
    expect(again.resumed).toBe(8);
    expect(again.processed).toBe(0);
    expect(backend.runs).toBe(0);
    await expect(predict(opts(vol.url, out, { overlap: 0.25 }))).rejects.toThrow(OutputConflictError);
    const replaced = await predict(opts(vol.url, out, { overlap: 0.25, overwrite: true }));
    expect(replaced.resumed).toBe(0);
    await checkPart(out, 0, vol);
  });

  it('refuses a model whose input channels differ from the volume', async () => {
    const vol = await makeVolume('ch.zarr', [16, 16, 16], [16, 16, 16]);
    await expect(predict(opts(vol.url, join(dir, 'out-ch'), { backends: [new AnalyticBackend(undefined, 1, 2)] }))).rejects.toThrow(
      /expects 2 input channels but .* has 1/,
    );
    await expect(predict(opts(vol.url, join(dir, 'out-ch'), { backends: [new AnalyticBackend(undefined, 1, 2)] }))).rejects.toBeInstanceOf(ModelMismatchError);
  });

  it('refuses NaN in the input with a one-line error naming the input', async () => {
    const url = join(dir, 'nan.zarr');
    const v = await createVolume(url, { format: 'zarr2', shape: [16, 16, 16], dtype: 'float32', chunkShape: [16, 16, 16] });
    const data = new Float32Array(4096).fill(0.5);
    data[100] = NaN;
    await v.write({ start: [0, 0, 0], stop: [16, 16, 16] }, { data, shape: [16, 16, 16] });
    await expect(predict(opts(url, join(dir, 'out-nan')))).rejects.toThrow(/nan\.zarr holds NaN .*replace NaN\/Inf/);
  });
});
