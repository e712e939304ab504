// `--backend onnx-web`: the same predict run on onnxruntime-web's WebAssembly kernels, in a real CLI process.
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
  dir = await mkdtemp(join(tmpdir(), 'vf-cli-backend-web-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const analytic = testData('models/analytic3d.onnx');

describe('voxelflow predict --backend onnx-web (analytic ONNX model, real onnxruntime-web)', () => {
  it('stores logits equal to 4(x − 0.5) for every patch of a small volume', async () => {
    const shape = [40, 44, 36];
    const [Z, Y, X] = shape as [number, number, number];
    const data = new Uint8Array(Z * Y * X).map((_, i) => (i * 37 + ((i / 97) | 0)) % 251);
    const input = join(dir, 'small.zarr');
    const v = await createVolume(input, { format: 'zarr2', shape, dtype: 'uint8', chunkShape: [20, 22, 18] });
    await v.write({ start: [0, 0, 0], stop: shape }, { data, shape });
    const out = join(dir, 'out');
    const r = await runCli(['predict', '--backend', 'onnx-web', '--threads', '1', '--model-path', analytic, '--input-dir', input, '--output-dir', out, '--disable-tta']);
    expect(r.stderr).toMatch(/patches run/);
    expect(r.code).toBe(0);

    const logits = await zarr.open.v2(new FileSystemStore(join(out, 'logits_part_0.zarr')), { kind: 'array' });
    const coords = await zarr.get(await zarr.open.v2(new FileSystemStore(join(out, 'coordinates_part_0.zarr')), { kind: 'array' }));
    expect(logits.dtype).toBe('float16');
    const [N, C, pz, py, px] = logits.shape as [number, number, number, number, number];
    expect([C, pz, py, px]).toEqual([2, 32, 32, 32]); // the card's 32³ patch
    expect(N).toBe(8); // 2 positions per axis
    const starts = coords.data as Int32Array;
    const vox = pz * py * px;
    let worst = 0;
    for (let i = 0; i < N; i++) {
      expect(existsSync(join(out, 'logits_part_0.zarr', `${i}.0.0.0.0`))).toBe(true);
      const l = (await logits.getChunk([i, 0, 0, 0, 0])).data as unknown as ArrayLike<number>;
      for (let z = 0; z < pz; z++)
        for (let y = 0; y < py; y++)
          for (let x = 0; x < px; x++) {
            const xv = data[((starts[i * 3]! + z) * Y + starts[i * 3 + 1]! + y) * X + starts[i * 3 + 2]! + x]!;
            const p = (z * py + y) * px + x;
            // Each logit is ±(2x − 1) rounded once to float16: half an ulp of |2x − 1| each, so their
            // difference is within one ulp of that magnitude.
            const want1 = 2 * xv - 1;
            const tol = Math.max(2 ** -10, Math.abs(want1) * 2 ** -10);
            worst = Math.max(worst, Math.abs(l[vox + p]! - l[p]! - 2 * want1) / tol);
            worst = Math.max(worst, Math.abs(l[vox + p]! - want1) / tol);
          }
    }
    expect(worst).toBeLessThanOrEqual(1);
    const attrs = JSON.parse(readFileSync(join(out, 'logits_part_0.zarr', '.zattrs'), 'utf8'));
    expect(attrs.voxelflow.complete).toBe(true);
  });

  it('--device cuda with onnx-web fails in one line pointing at --backend onnx', async () => {
    const r = await runCli(['predict', '--backend', 'onnx-web', '--device', 'cuda', '--model-path', analytic, '--input-dir', testData('volumes/scroll_v2.zarr'), '--output-dir', join(dir, 'gpu')]);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('voxelflow:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/device cuda: onnxruntime-web runs on the CPU \(WebAssembly\) here; pass --device cpu, or --backend onnx for GPUs/);
  });
});
