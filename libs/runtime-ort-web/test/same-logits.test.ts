// Both ONNX backends on the same batches: onnxruntime-node's native CPU kernels and onnxruntime-web's
// WebAssembly ones.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModelBackend, Tensor } from '@voxelflow/inference';
import { createOnnxBackend, loadTestModel, type TestModelName } from '@voxelflow/runtime-onnx';
import { createOrtWebBackend } from '../src/index';

const testData = fileURLToPath(new URL('../../../test-data/', import.meta.url));

/** Seeded uniform values in [lo, hi) (mulberry32), so a failure reproduces. */
function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Runs `batch` through the model on both backends (1 thread each) and returns [node, web]. */
async function runBoth(name: TestModelName, batch: Tensor): Promise<[Tensor, Tensor]> {
  const model = loadTestModel(testData, name);
  const outs: Tensor[] = [];
  for (const make of [createOnnxBackend, createOrtWebBackend]) {
    const b: ModelBackend = await make(model, { device: 'cpu', threads: 1 });
    try {
      outs.push(await b.run(batch));
    } finally {
      await b.dispose();
    }
  }
  return [outs[0]!, outs[1]!];
}

describe('onnxruntime-node and onnxruntime-web give the same logits', () => {
  it('analytic3d: bitwise-identical logits on a random batch of 2 × 24×20×16', async () => {
    const shape = [2, 1, 24, 20, 16];
    const x = uniform(2 * 24 * 20 * 16, -3, 4, 2024);
    const [node, web] = await runBoth('analytic3d', { dtype: 'float32', data: x, shape });
    expect(web.shape).toEqual(node.shape);
    expect(web.dtype).toBe('float32');
    // A 1×1×1 Conv with weights ±2: w·x is exact, so FMA or not, one rounding of w·x + b; the bits must agree.
    const a = new Uint32Array((node.data as Float32Array).slice().buffer);
    const b = new Uint32Array((web.data as Float32Array).slice().buffer);
    let differing = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
    expect(differing).toBe(0);
    // And both are the formula, independently of either backend: logit1 − logit0 = 4(x − 0.5).
    const spatial = 24 * 20 * 16;
    const l = web.data as Float32Array;
    for (const i of [0, 777, spatial - 1, spatial + 5]) {
      const n = Math.floor(i / spatial);
      const s = i % spatial;
      expect(l[(2 * n + 1) * spatial + s]! - l[2 * n * spatial + s]!).toBeCloseTo(4 * (x[i]! - 0.5), 5);
    }
  });

  it('analytic3d-fp16: bitwise-identical float16 logits', async () => {
    const shape = [1, 1, 8, 9, 10];
    const n = 720;
    // Bits of halves in [1, 2) and [-2, -1): exponent 15 or its negative, random fraction.
    const bits = new Uint16Array(n);
    const r = uniform(n, 0, 2048, 7);
    for (let i = 0; i < n; i++) bits[i] = (r[i]! >= 1024 ? 0xbc00 : 0x3c00) | (Math.floor(r[i]!) & 0x3ff);
    const [node, web] = await runBoth('analytic3d-fp16', { dtype: 'float16', data: bits, shape });
    expect(web.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(web.data)).toEqual(Array.from(node.data));
  });

  it('unet3d-tiny: the same 64³ patch agrees to float32 rounding (different conv kernels)', async () => {
    const shape = [1, 1, 64, 64, 64];
    const x = uniform(64 ** 3, -1, 1, 99);
    const [node, web] = await runBoth('unet3d-tiny', { dtype: 'float32', data: x, shape });
    expect(web.shape).toEqual([1, 2, 64, 64, 64]);
    const a = node.data as Float32Array;
    const b = web.data as Float32Array;
    let maxAbs = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(a[i]!));
    }
    // Native MLAS and WebAssembly convolutions sum in different orders, so most logits differ in the last
    // bits (measured: max |Δ| 8.5e-7 at logit scale 0.8); 1e-5 leaves a 10× margin and still catches real bugs.
    expect(scale).toBeGreaterThan(0.1);
    expect(maxAbs).toBeLessThan(1e-5);
  });
});
