import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNgff } from '@voxelflow/ome-ngff';
import { openStore } from '@voxelflow/remote-storage';
import { openVolume, readImage2D, toFloat32 } from '@voxelflow/volume-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CustomPipelineResult } from '../src/custom-pipeline';
import { testData } from '../src/example-support';

const LEVEL = 40;
const WIDTH = 400;
/** What the two analytic models compute on a windowed voxel: softmax foreground = sigmoid(4(w − 0.5)). */
const expected = (hu: number) => {
  const low = LEVEL - WIDTH / 2;
  const w = (Math.min(Math.max(hu, low), low + WIDTH) - low) / WIDTH;
  return 1 / (1 + Math.exp(-4 * (w - 0.5)));
};

let dir: string;
let r: CustomPipelineResult;
const lines: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-example-pipeline-'));
  r = await main({ outDir: dir, windowLevel: LEVEL, windowWidth: WIDTH, log: (l) => lines.push(l) });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('examples/custom-pipeline', () => {
  it('runs the ensemble over every patch of the CT and reports what it did', () => {
    // ct.nii.gz is (Z, Y, X) = (40, 64, 80); 32³ patches at overlap 0.5 → 2 × 3 × 4 positions.
    expect(r.predict.patches).toBe(24);
    expect(r.predict.processed + r.predict.skippedEmpty).toBe(24);
    expect(r.predict.bytesWritten).toBe(r.predict.processed * 2 * 32 ** 3 * 2);
    const models = r.predict.config['models'] as { name: string; sha256: string }[];
    expect(models.map((m) => m.name)).toEqual(['analytic3d', 'analytic3d-fp16']);
    expect(models.every((m) => /^[0-9a-f]{64}$/.test(m.sha256))).toBe(true);
    expect(r.blend.decoded).toBe(r.predict.processed);
    expect(r.finalize.status).toBe('completed');
    expect(r.finalize.channelNames).toEqual(['foreground']);
    expect(r.finalize.noDataVoxels).toBe(0);
    expect(lines.some((l) => l.startsWith('predict 24/24'))).toBe(true);
  });

  it('writes probabilities equal to sigmoid(4(window(x) − 0.5)) on the middle slice', async () => {
    const ct = await openVolume(testData('volumes/ct.nii.gz'));
    const out = await openVolume(`${r.probabilities}/0`);
    expect(out.shape).toEqual([40, 64, 80]);
    expect(out.dtype).toBe('float32');
    const z = r.previewSlice;
    expect(z).toBe(20);
    const box = { start: [z, 0, 0], stop: [z + 1, 64, 80] };
    const hu = toFloat32(await ct.read(box), ct.dtype);
    const p = toFloat32(await out.read(box), out.dtype);
    let maxErr = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < hu.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(p[i]! - expected(hu[i]!)));
      lo = Math.min(lo, p[i]!);
      hi = Math.max(hi, p[i]!);
    }
    // Logits pass through float16 twice (the parts and the blend) and one model computes in float16.
    expect(maxErr).toBeLessThan(2e-3);
    // The slice holds air (p ≈ sigmoid(−2)) and tissue around p = 0.5: the test is not vacuous.
    expect(lo).toBeLessThan(0.13);
    expect(hi).toBeGreaterThan(0.5);
  });

  it('writes a PNG preview: windowed input | probability, (Y, 2X) uint8', async () => {
    const img = await readImage2D(r.preview);
    expect(img.shape).toEqual([64, 160]);
    expect(img.dtype).toBe('uint8');
    const ct = await openVolume(testData('volumes/ct.nii.gz'));
    const hu = toFloat32(await ct.read({ start: [20, 0, 0], stop: [21, 64, 80] }), ct.dtype);
    let maxLeft = 0;
    let maxRight = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 80; x++) {
        const v = hu[y * 80 + x]!;
        const w = (Math.min(Math.max(v, -160), 240) + 160) / 400;
        maxLeft = Math.max(maxLeft, Math.abs(img.data[y * 160 + x]! - w * 255));
        maxRight = Math.max(maxRight, Math.abs(img.data[y * 160 + 80 + x]! - expected(v) * 255));
      }
    }
    expect(maxLeft).toBeLessThanOrEqual(0.5);
    expect(maxRight).toBeLessThanOrEqual(1);
  });

  // Known gap: predict → blend → finalize drops the input's geometry (the blended Zarr carries none),
  // so the output says scale 1 without a unit; the fused pipeline keeps it. Flip to `it` once fixed.
  it('keeps the CT voxel size (2 × 0.8 × 0.8 mm) in the NGFF metadata', async () => {
    const group = await readNgff(await openStore(r.probabilities));
    const ms = group.multiscales[0]!;
    expect(ms.axes.map((a) => a.unit)).toEqual(['millimeter', 'millimeter', 'millimeter']);
    const scale = ms.datasets[0]!.coordinateTransformations.find((t) => t.type === 'scale');
    const s = scale && 'scale' in scale ? scale.scale : [];
    expect(s[0]).toBeCloseTo(2, 5);
    expect(s[1]).toBeCloseTo(0.8, 5);
    expect(s[2]).toBeCloseTo(0.8, 5);
  });

  it('is safe to rerun: every stage finds its finished output', async () => {
    const again = await main({ outDir: dir, windowLevel: LEVEL, windowWidth: WIDTH });
    expect(again.predict.processed).toBe(0);
    expect(again.predict.resumed).toBe(24);
    expect(again.blend.alreadyComplete).toBe(true);
    expect(again.finalize.status).toBe('already-complete');
  });
});
