import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predict, type PredictResult } from '@voxelflow/inference';
import { isValid, readNgff, validateMultiscales } from '@voxelflow/ome-ngff';
import { openStore } from '@voxelflow/remote-storage';
import { createOnnxBackend } from '@voxelflow/runtime-onnx';
import { openVolume } from '@voxelflow/volume-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/blend-and-finalize';
import { testData } from '../src/example-support';

const SHAPE = [96, 160, 160];
let dir: string;
let parts: string;
let input: Uint8Array;
const produced: PredictResult[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-example-blend-'));
  parts = join(dir, 'parts');
  // "Elsewhere": two predict processes, one part each, as two machines would run them.
  for (const partId of [0, 1]) {
    produced.push(
      await predict({
        input: testData('volumes/scroll_v2.zarr'),
        model: testData('models/analytic3d.onnx'),
        backendFactory: createOnnxBackend,
        threads: 1,
        output: parts,
        numParts: 2,
        partId,
        normalization: 'clip_scale',
        clipValue: 255,
        tta: 'none',
      }),
    );
  }
  const v = await openVolume(testData('volumes/scroll_v2.zarr'));
  input = (await v.read({ start: [0, 0, 0], stop: SHAPE })).data as Uint8Array;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Softmax foreground of analytic3d after clip_scale 255: sigmoid(4(x/255 − 0.5)). */
const probability = (x: number) => 1 / (1 + Math.exp(-4 * (x / 255 - 0.5)));

describe('examples/blend-and-finalize', () => {
  it('gets parts that cover the grid between them and skip the empty chunks', () => {
    expect(produced.map((p) => p.partId)).toEqual([0, 1]);
    // 96×160×160 with 32³ patches at overlap 0.5: 5 × 9 × 9 positions, split in two parts.
    expect(produced[0]!.patches + produced[1]!.patches).toBe(405);
    expect(produced.every((p) => p.skippedEmpty > 0 && p.processed > 0 && p.bytesRead > 0)).toBe(true);
  });

  it('blends and finalizes them into p·255 that matches the model on every covered voxel', async () => {
    const out = join(dir, 'prob.zarr');
    const r = await main({ partsDir: parts, output: out });
    expect(r.blend.parts).toEqual([0, 1]);
    expect(r.blend.patches).toBe(405);
    expect(r.blend.decoded).toBe(produced[0]!.processed + produced[1]!.processed);
    expect(r.finalize.status).toBe('completed');
    expect(r.finalize.channelNames).toEqual(['foreground']);

    const level0 = await openVolume(`${out}/0`);
    expect(level0.shape).toEqual(SHAPE);
    expect(level0.dtype).toBe('uint8');
    const u = (await level0.read({ start: [0, 0, 0], stop: SHAPE })).data as Uint8Array;
    let maxErr = 0;
    let noData = 0;
    let noDataWithSignal = 0;
    for (let i = 0; i < u.length; i++) {
      const want = Math.floor(probability(input[i]!) * 255 + 0.5);
      // want ≥ 30 everywhere (x = 0 gives sigmoid(−2)·255 ≈ 30.4), so 0 can only be no-data.
      if (u[i] === 0) {
        noData++;
        if (input[i] !== 0) noDataWithSignal++;
        continue;
      }
      maxErr = Math.max(maxErr, Math.abs(u[i]! - want));
    }
    expect(maxErr).toBeLessThanOrEqual(1);
    // Uncovered voxels are no-data (0), never a guessed p = 0.5, and only where the input is empty.
    expect(noData).toBe(r.finalize.noDataVoxels);
    expect(noData).toBeGreaterThan(0);
    expect(noDataWithSignal).toBe(0);
  });

  it('writes valid OME-NGFF 0.4 metadata, metadata.json and the completion marker', async () => {
    const out = join(dir, 'prob.zarr');
    const group = await readNgff(await openStore(out));
    expect(group.version).toBe('0.4');
    expect(group.zarrFormat).toBe(2);
    expect(isValid(validateMultiscales(group.attributes, '0.4'))).toBe(true);
    const ms = group.multiscales[0]!;
    expect(ms.axes.map((a) => a.name)).toEqual(['z', 'y', 'x']);
    expect(ms.axes.every((a) => a.type === 'space')).toBe(true);
    // Levels halve each side until the smallest side is under one 32³ chunk: 96 → 48 → 24.
    expect(ms.datasets.map((d) => d.path)).toEqual(['0', '1', '2']);
    ms.datasets.forEach((d, k) => {
      const scale = d.coordinateTransformations.find((t) => t.type === 'scale');
      const translation = d.coordinateTransformations.find((t) => t.type === 'translation');
      expect(scale && 'scale' in scale ? scale.scale : undefined).toEqual([2 ** k, 2 ** k, 2 ** k]);
      // Coarse voxels sit at the centre of the 2^k block they summarize.
      const t = (2 ** k - 1) / 2;
      if (k === 0) expect(translation).toBeUndefined();
      else expect(translation && 'translation' in translation ? translation.translation : undefined).toEqual([t, t, t]);
    });
    const level2 = await openVolume(`${out}/2`);
    expect(level2.shape).toEqual([24, 40, 40]);
    const metadata = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(metadata['example']).toBe('blend-and-finalize');
    expect(existsSync(join(out, '.voxelflow_complete'))).toBe(true);
  });

  it('reuses the blend for a second output: masks p > 0.5 on OME-NGFF 0.5 (Zarr v3)', async () => {
    const out = join(dir, 'mask.zarr');
    const r = await main({ partsDir: parts, output: out, blended: join(dir, 'prob_blended.zarr'), threshold: 0.5, ngff: '0.5' });
    expect(r.blend.alreadyComplete).toBe(true);
    expect(r.finalize.channelNames).toEqual(['mask']);
    expect(r.finalize.ngff).toBe('0.5');
    const group = await readNgff(await openStore(out));
    expect(group.version).toBe('0.5');
    expect(group.zarrFormat).toBe(3);
    expect(isValid(validateMultiscales(group.attributes, '0.5'))).toBe(true);

    const level0 = await openVolume(`${out}/0`);
    const m = (await level0.read({ start: [0, 0, 0], stop: SHAPE })).data as Uint8Array;
    const prob = (await (await openVolume(join(dir, 'prob.zarr', '0'))).read({ start: [0, 0, 0], stop: SHAPE })).data as Uint8Array;
    let wrong = 0;
    let ones = 0;
    for (let i = 0; i < m.length; i++) {
      // p > 0.5 ⇔ x > 127.5; no-data stays 0.
      const want = prob[i] !== 0 && input[i]! > 127.5 ? 255 : 0;
      if (m[i] !== want) wrong++;
      if (m[i] === 255) ones++;
    }
    expect(wrong).toBe(0);
    expect(ones).toBeGreaterThan(1000);
  });
});
