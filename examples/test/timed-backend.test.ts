import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predict } from '@voxelflow/inference';
import { createOnnxBackend } from '@voxelflow/runtime-onnx';
import { openVolume } from '@voxelflow/volume-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testData } from '../src/example-support';
import { main, withTimings, type TimedBackendResult } from '../src/timed-backend';

let dir: string;
let r: TimedBackendResult;
const lines: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-example-timed-'));
  r = await main({ outDir: dir, log: (l) => lines.push(l) });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(url: string) {
  const v = await openVolume(url);
  return { shape: [...v.shape], data: (await v.read({ start: v.shape.map(() => 0), stop: [...v.shape] })).data };
}

describe('examples/timed-backend', () => {
  it('changes nothing the engine computes: the wrapped run stores the same logits', async () => {
    // The bbox [32, 64) × [64, 96)² touches 3 × 3 × 3 patches of the global grid.
    expect(r.plain.processed).toBe(27);
    expect(r.timed.processed).toBe(27);
    for (const name of ['logits_part_0.zarr', 'coordinates_part_0.zarr']) {
      const a = await readAll(join(dir, 'plain', name));
      const b = await readAll(join(dir, 'timed', name));
      expect(b.shape).toEqual(a.shape);
      expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
    }
  });

  it('logs one entry per model run: batches × TTA transforms', () => {
    const transforms = (r.timed.config['tta_transforms'] as string[]).length;
    expect(transforms).toBe(8);
    // 27 patches in batches of 2 → 14 calls per transform.
    expect(r.log.entries).toHaveLength(Math.ceil(27 / 2) * transforms);
    expect(r.log.entries.reduce((n, e) => n + e.batch, 0)).toBe(27 * transforms);
    expect(r.log.entries.every((e) => e.model === 'analytic3d' && e.milliseconds > 0)).toBe(true);
    const [s] = r.log.summary();
    expect(s!.runs).toBe(112);
    expect(s!.meanMs).toBeCloseTo(s!.totalMs / 112, 9);
    // The engine times the same calls from outside the wrapper, so its total is at least the log's.
    expect(s!.totalMs).toBeLessThanOrEqual(r.timed.timings.modelSeconds * 1000 + 1e-6);
    expect(lines[0]).toMatch(/^analytic3d: 112 runs \(216 patches\), total [\d.]+ ms, mean [\d.]+ ms\/run$/);
  });

  it('times each model of an ensemble separately', async () => {
    const factory = withTimings(createOnnxBackend);
    const p = await predict({
      input: testData('volumes/scroll_v2.zarr'),
      model: [testData('models/analytic3d.onnx'), testData('models/analytic3d-fp16.onnx')],
      backendFactory: factory,
      threads: 1,
      output: join(dir, 'ensemble'),
      bbox: { start: [32, 64, 64], stop: [64, 96, 96] },
      normalization: 'clip_scale',
      clipValue: 255,
      tta: 'none',
      skipEmpty: false,
    });
    const summary = factory.log.summary();
    expect(summary.map((s) => s.model)).toEqual(['analytic3d', 'analytic3d-fp16']);
    expect(summary.map((s) => s.runs)).toEqual([p.processed, p.processed]);
  });
});
