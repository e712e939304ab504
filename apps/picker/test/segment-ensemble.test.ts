/**
 * segment's code path in-process against logits computed by hand from the models' formulas:
 * multiclass3d gives logit_k = 4(2c_k·x − c_k²), c = 0, 1, 2, 3, at every voxel (a 1×1×1 conv).
 * The ensemble pairs it with the same model plus a per-class bias b (a second, different model), so
 * the averaged logits are logit_k + b_k / 2 and the label map must be their argmax. A pointwise model
 * commutes with every flip and rotation, so octopi's TTA must leave the answer unchanged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveModel, type ModelBackend, type Tensor } from '@voxelflow/inference';
import { openCopickProject } from '@voxelflow/particles';
import { createOnnxBackend } from '@voxelflow/runtime-onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentTomogram } from '../src/segment-tomogram';
import { testData } from './run-cli';

const CENTRES = [0, 1, 2, 3];
/** Class 3 favoured by 5.3: its boundary with class 2 moves from x = 2.5 to 2.5 − 5.3/16 ≈ 2.169 (off the 1/256 noise grid). */
const BIAS = [0, 0, 0, 5.3];

let base: ModelBackend;
let cacheDir: string;
let savedCacheHome: string | undefined;
let input: string;
let x: Float32Array;
let shape: number[];

/** A second model: `backend`'s logits plus `bias[k]` on channel k. */
function withClassBias(backend: ModelBackend, bias: readonly number[]): ModelBackend {
  return {
    inputs: backend.inputs,
    outputs: backend.outputs,
    card: { ...backend.card, name: 'multiclass3d+bias' },
    async run(batch: Tensor): Promise<Tensor> {
      const out = await backend.run(batch);
      const data = out.data as Float32Array;
      const [n, c] = [out.shape[0]!, out.shape[1]!];
      const voxels = data.length / (n * c);
      for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) addTo(data, (i * c + k) * voxels, voxels, bias[k]!);
      return out;
    },
    dispose: async () => {},
  };
}

function addTo(data: Float32Array, offset: number, count: number, v: number): void {
  for (let j = offset; j < offset + count; j++) data[j] = data[j]! + v;
}

/** argmax_k of Σ_m (4(2c_k·v − c_k²) + bias_m[k]) / M, ties to the lowest class, in float64. */
function handLabels(values: Float32Array, biases: readonly (readonly number[])[], transform: (v: number) => number = (v) => v): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = transform(values[i]!);
    let best = -Infinity;
    let arg = 0;
    for (let k = 0; k < CENTRES.length; k++) {
      const c = CENTRES[k]!;
      let l = 0;
      for (const b of biases) l += 4 * (2 * c * v - c * c) + b[k]!;
      l /= biases.length;
      if (l > best) {
        best = l;
        arg = k;
      }
    }
    out[i] = arg;
  }
  return out;
}

function mismatches(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

beforeAll(async () => {
  // global_zscore caches the tomogram's statistics in the user cache; keep that in a temp folder.
  cacheDir = await mkdtemp(join(tmpdir(), 'vf-picker-cache-'));
  savedCacheHome = process.env['XDG_CACHE_HOME'];
  process.env['XDG_CACHE_HOME'] = cacheDir;
  base = await createOnnxBackend(await resolveModel(testData('models/multiclass3d.onnx')), { device: 'cpu', threads: 1 });
  const run = (await openCopickProject(testData('copick/copick_config.json'))).run('TS_001');
  input = await run.tomogramUrl(10, 'wbp');
  const volume = await run.openTomogram(10, 'wbp');
  shape = [...volume.shape];
  x = (await volume.read({ start: [0, 0, 0], stop: shape })).data as Float32Array;
});
afterAll(async () => {
  await base?.dispose();
  if (savedCacheHome === undefined) delete process.env['XDG_CACHE_HOME'];
  else process.env['XDG_CACHE_HOME'] = savedCacheHome;
  await rm(cacheDir, { recursive: true, force: true });
});

describe('segmentTomogram (octopi recipe on the fused engine)', () => {
  it('averages an ensemble as logits: the label map is the argmax of the hand-computed mean, for ntta 1, 4 and 8', async () => {
    const expected = handLabels(x, [[0, 0, 0, 0], BIAS]);
    const single = handLabels(x, [[0, 0, 0, 0]]);
    // The second model must matter: hundreds of band-2 voxels above x ≈ 2.169 turn into class 3.
    expect(mismatches(expected, single)).toBeGreaterThan(100);
    for (const ntta of [1, 4, 8]) {
      const seg = await segmentTomogram({
        input,
        backends: [base, withClassBias(base, BIAS)],
        patchSize: [32, 32, 32],
        numClasses: 4,
        ntta,
        normalization: 'none',
        swBatchSize: 3,
      });
      expect(seg.shape).toEqual(shape);
      expect(seg.result.setup.config['tta_transforms']).toHaveLength(ntta);
      expect(seg.result.patches).toBe(3 * 5 * 5); // nnU-Net grid: 64 → 3 starts, 96 → 5 at overlap 0.5
      expect(mismatches(seg.labels, expected)).toBe(0);
    }
  }, 30_000);

  it('z-scores over the whole tomogram by default (octopi): the bands move, exactly as computed by hand', async () => {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += x[i]!;
    const mean = sum / x.length;
    let ss = 0;
    for (let i = 0; i < x.length; i++) ss += (x[i]! - mean) ** 2;
    const std = Math.sqrt(ss / x.length); // population std, as octopi's NormalizeIntensity
    const expected = handLabels(x, [[0, 0, 0, 0]], (v) => (v - mean) / std);
    const raw = handLabels(x, [[0, 0, 0, 0]]);
    expect(mismatches(expected, raw)).toBeGreaterThan(1000); // z-scored values are not the label bands
    const seg = await segmentTomogram({ input, backends: [base], patchSize: [32, 32, 32], numClasses: 4, ntta: 2 });
    expect(seg.result.setup.config['normalization']).toMatchObject({ scheme: 'global_zscore' });
    expect(mismatches(seg.labels, expected)).toBe(0);
  }, 30_000);

  it('refuses a model whose channels differ from the config’s class count', async () => {
    await expect(segmentTomogram({ input, backends: [base], patchSize: [32, 32, 32], numClasses: 5, ntta: 1, normalization: 'none' })).rejects.toThrow(
      /gives 4 output channels but its config promises 5 classes/,
    );
  });
});
