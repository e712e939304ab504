import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemStore } from '@zarrita/storage';
import { createVolume } from '@voxelflow/volume-io';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOptionError, blend, predict } from '../src';
import { AnalyticBackend } from './analytic-backend';

let dir: string;
beforeAll(async () => {
  (globalThis as { Float16Array?: unknown }).Float16Array ??= (await import('@petamoriken/float16')).Float16Array;
  dir = await mkdtemp(join(tmpdir(), 'vf-blend-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function volume(name: string, shape: [number, number, number], zeroBelowZ = 0) {
  const [Z, Y, X] = shape;
  const data = new Float32Array(Z * Y * X);
  for (let z = 0; z < Z; z++)
    for (let i = 0; i < Y * X; i++) data[z * Y * X + i] = z < zeroBelowZ ? 0 : ((z * 5 + i) % 13) / 12;
  const url = join(dir, name);
  const v = await createVolume(url, { format: 'zarr2', shape, dtype: 'float32', chunkShape: [8, 16, 16] });
  await v.write({ start: [0, 0, 0], stop: shape }, { data, shape });
  return { url, data, shape };
}

async function predictParts(input: string, out: string, numParts: number) {
  for (let partId = 0; partId < numParts; partId++) {
    await predict({ input, output: out, model: [], backends: [new AnalyticBackend()], tta: 'none', normalization: 'none', numParts, partId });
  }
}

/** Reads the blended array with zarrita and returns max |(l1 − l0) − 4(x − 0.5)| and the NaN count. */
async function check(output: string, input: { data: Float32Array; shape: number[] }) {
  const arr = await zarr.open.v2(new FileSystemStore(output), { kind: 'array' });
  expect(arr.dtype).toBe('float16');
  const got = await zarr.get(arr);
  const vox = input.data.length;
  const values = got.data as unknown as ArrayLike<number>;
  let maxErr = 0;
  let nan = 0;
  for (let i = 0; i < vox; i++) {
    const l0 = values[i]!;
    const l1 = values[vox + i]!;
    if (Number.isNaN(l0) || Number.isNaN(l1)) {
      nan++;
      continue;
    }
    maxErr = Math.max(maxErr, Math.abs(l1 - l0 - 4 * (input.data[i]! - 0.5)));
  }
  return { maxErr, nan, shape: arr.shape };
}

describe('blend', () => {
  it('merges three parts into logits equal to the analytic formula everywhere (float16 precision)', async () => {
    const input = await volume('v.zarr', [40, 24, 20]);
    const out = join(dir, 'parts3');
    await predictParts(input.url, out, 3);
    for (const numWorkers of [0, 2]) {
      const target = join(dir, `blended-${numWorkers}.zarr`);
      const r = await blend({ parentDir: out, output: target, numWorkers });
      expect(r.parts).toEqual([0, 1, 2]);
      expect(r.decoded).toBe(r.patches);
      expect(r.bytesRead).toBeGreaterThan(0);
      expect(r.bytesWritten).toBe(2 * 40 * 24 * 20 * 2);
      const c = await check(target, input);
      expect(c.shape).toEqual([2, 40, 24, 20]);
      expect(c.nan).toBe(0);
      // Two stored float16 logits, each within half an ulp (|l| ≤ 2 → 2^-10), blended then rounded again.
      expect(c.maxErr).toBeLessThan(3 * 2 ** -10);
      expect(r.alreadyComplete).toBe(false);
    }
    const again = await blend({ parentDir: out, output: join(dir, 'blended-0.zarr'), numWorkers: 0 });
    expect(again.alreadyComplete).toBe(true);
  });

  it('leaves voxels that only empty patches covered as no-data (NaN), never logit 0', async () => {
    const input = await volume('e.zarr', [32, 16, 16], 16);
    const out = join(dir, 'parts-empty');
    await predict({ input: input.url, output: out, model: [], backends: [new AnalyticBackend()], tta: 'none', normalization: 'none', patchSize: [8, 16, 16], overlap: 0 });
    const target = join(dir, 'blended-empty.zarr');
    const r = await blend({ parentDir: out, output: target, numWorkers: 0 });
    expect(r.decoded).toBe(2);
    const c = await check(target, input);
    expect(c.nan).toBe(16 * 16 * 16);
    expect(c.maxErr).toBeLessThan(3 * 2 ** -10);
  });

  it('refuses an incomplete set of parts', async () => {
    const input = await volume('m.zarr', [40, 16, 16]);
    const out = join(dir, 'parts-missing');
    await predict({ input: input.url, output: out, model: [], backends: [new AnalyticBackend()], tta: 'none', normalization: 'none', numParts: 2, partId: 1 });
    await expect(blend({ parentDir: out, output: join(dir, 'x.zarr') })).rejects.toThrow(InvalidOptionError);
    await expect(blend({ parentDir: out, output: join(dir, 'x.zarr') })).rejects.toThrow(/lacks part 0 of 2/);
  });
});
