/**
 * Every test model runs in onnxruntime-node and matches its formula; the card decodes back from
 * metadata_props.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { readFileSync } from 'node:fs';
import { ModelProtoSchema } from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from '../src/float16';
import { Random } from '../src/random';
import { manifest, td } from './helpers';

const MODELS = ['analytic3d', 'analytic3d-fp16', 'unet3d-tiny', 'multiclass3d', 'ink25d'];
const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };

async function session(name: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(td('models', `${name}.onnx`), options);
}

function uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

describe('model files', () => {
  it.each(MODELS)('%s carries its card, formula and producer', (name) => {
    const model = fromBinary(ModelProtoSchema, readFileSync(td('models', `${name}.onnx`)));
    const entry = model.metadataProps.find((p) => p.key === 'voxelflow.card');
    expect(entry).toBeDefined();
    const card = JSON.parse(entry!.value);
    expect(card).toEqual(manifest.datasets.models[name].card);
    expect(card.name).toBe(name);
    expect(model.producerName).toBe('@voxelflow/make-test-data');
    expect(model.producerVersion).toBe('0.1.0');
    expect(model.docString).toBe(manifest.datasets.models[name].formula);
    expect(model.irVersion).toBe(8n);
    expect(model.opsetImport.map((o) => [o.domain, o.version])).toEqual([['', 17n]]);
  });

  it('cards name the fields the engine reads', () => {
    const m = manifest.datasets.models;
    expect(m.analytic3d.card).toMatchObject({ numClasses: 2, labels: ['background', 'foreground'], normalization: 'none', activation: 'softmax' });
    expect(m['unet3d-tiny'].card).toMatchObject({ patchSize: [64, 64, 64], normalization: 'instance_zscore', activation: 'softmax' });
    expect(m.multiclass3d.card).toMatchObject({ numClasses: 4, labels: ['background', 'apo-ferritin', 'beta-galactosidase', 'ribosome'] });
    expect(m.ink25d.card).toMatchObject({ layout: '2.5d', layers: 26, patchSize: [64, 64], normalization: 'clip_scale', clipValue: 200, activation: 'sigmoid' });
  });
});

describe('analytic3d', () => {
  it('has dynamic N, Z, Y, X and gives logit0 = -2x + 1, logit1 = 2x - 1', async () => {
    const s = await session('analytic3d');
    expect(s.inputMetadata[0]).toMatchObject({ name: 'input', type: 'float32', shape: ['N', 1, 'Z', 'Y', 'X'] });
    for (const shape of [
      [2, 1, 5, 7, 9],
      [1, 1, 3, 1, 17],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = uniform(n, -2, 3, n);
      const out = (await s.run({ input: new ort.Tensor('float32', x, shape) })).logits!;
      expect(out.dims).toEqual([shape[0], 2, ...shape.slice(2)]);
      const data = out.data as Float32Array;
      const vox = n / shape[0]!;
      for (let b = 0; b < shape[0]!; b++) {
        for (let v = 0; v < vox; v++) {
          const xi = x[b * vox + v]!;
          expect(data[(2 * b) * vox + v]).toBeCloseTo(-2 * xi + 1, 5);
          expect(data[(2 * b + 1) * vox + v]).toBeCloseTo(2 * xi - 1, 5);
        }
      }
    }
    await s.release();
  });

  it('fp16 variant: same formula within float16 precision, Uint16Array bits in and out', async () => {
    const s = await session('analytic3d-fp16');
    expect(s.inputMetadata[0]).toMatchObject({ type: 'float16', shape: ['N', 1, 'Z', 'Y', 'X'] });
    const shape = [1, 1, 4, 6, 8];
    const values = uniform(192, -3, 3, 16);
    const bits = Uint16Array.from(values, (v) => toFloat16Bits(v));
    const out = (await s.run({ input: new ort.Tensor('float16', bits, shape) })).logits!;
    expect(out.type).toBe('float16');
    expect(out.dims).toEqual([1, 2, 4, 6, 8]);
    const data = out.data as Uint16Array;
    expect(data).toBeInstanceOf(Uint16Array);
    for (let v = 0; v < 192; v++) {
      const x = fromFloat16Bits(bits[v]!);
      const e0 = -2 * x + 1;
      const e1 = 2 * x - 1;
      const tol = (e: number): number => Math.max(Math.abs(e) * 2 ** -10, 2 ** -14); // one float16 ulp
      expect(Math.abs(fromFloat16Bits(data[v]!) - e0)).toBeLessThanOrEqual(tol(e0));
      expect(Math.abs(fromFloat16Bits(data[192 + v]!) - e1)).toBeLessThanOrEqual(tol(e1));
    }
    await s.release();
  });
});

describe('multiclass3d', () => {
  it('logit_k = 4(2 c_k x - c_k^2) and the argmax is the nearest centre', async () => {
    const s = await session('multiclass3d');
    const { a, centres } = manifest.datasets.models.multiclass3d.parameters;
    const shape = [1, 1, 6, 10, 12];
    const n = 720;
    const x = uniform(n, -0.5, 3.5, 3);
    const out = (await s.run({ input: new ort.Tensor('float32', x, shape) })).logits!;
    expect(out.dims).toEqual([1, 4, 6, 10, 12]);
    const data = out.data as Float32Array;
    let checked = 0;
    for (let v = 0; v < n; v++) {
      const xi = x[v]!;
      let best = 0;
      for (let k = 0; k < 4; k++) {
        const c = centres[k] as number;
        expect(data[k * n + v]).toBeCloseTo(a * (2 * c * xi - c * c), 4);
        if (data[k * n + v]! > data[best * n + v]!) best = k;
      }
      const nearest = Math.max(0, Math.min(3, Math.round(xi)));
      if (Math.abs(xi - Math.round(xi)) < 0.499) {
        expect(best).toBe(nearest);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(700);
    await s.release();
  });
});

describe('ink25d', () => {
  it('gives 4·(mean over layers and 4×4 blocks − 0.5)', async () => {
    const s = await session('ink25d');
    expect(s.inputMetadata[0]).toMatchObject({ shape: ['N', 1, 26, 64, 64] });
    const [L, H] = [26, 64];
    const x = uniform(2 * L * H * H, 0, 1, 9);
    const out = (await s.run({ input: new ort.Tensor('float32', x, [2, 1, L, H, H]) })).logits!;
    expect(out.dims).toEqual([2, 1, 16, 16]);
    const data = out.data as Float32Array;
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 16; i++) {
        for (let j = 0; j < 16; j++) {
          let sum = 0;
          for (let l = 0; l < L; l++)
            for (let h = 4 * i; h < 4 * i + 4; h++)
              for (let w = 4 * j; w < 4 * j + 4; w++) sum += x[((b * L + l) * H + h) * H + w]!;
          expect(data[(b * 16 + i) * 16 + j]).toBeCloseTo(4 * (sum / (L * 16) - 0.5), 5);
        }
      }
    }
    await s.release();
  });
});

describe('unet3d-tiny', () => {
  it('maps [N,1,64,64,64] to [N,2,64,64,64] logits, deterministically', async () => {
    const s1 = await session('unet3d-tiny');
    expect(s1.inputMetadata[0]).toMatchObject({ shape: ['N', 1, 64, 64, 64] });
    expect(s1.outputMetadata[0]).toMatchObject({ shape: ['N', 2, 64, 64, 64] });
    const rng = new Random(5);
    const x = Float32Array.from({ length: 2 * 64 ** 3 }, () => rng.normal());
    const out1 = (await s1.run({ input: new ort.Tensor('float32', x, [2, 1, 64, 64, 64]) })).logits!;
    expect(out1.dims).toEqual([2, 2, 64, 64, 64]);
    const d1 = out1.data as Float32Array;
    expect(d1.every(Number.isFinite)).toBe(true);
    expect(new Set(d1.subarray(0, 1000)).size).toBeGreaterThan(100); // not a constant
    // Batch items are independent: item 1 alone gives item 1's logits.
    const single = (await s1.run({ input: new ort.Tensor('float32', x.slice(64 ** 3), [1, 1, 64, 64, 64]) })).logits!;
    const ds = single.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < ds.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ds[i]! - d1[2 * 64 ** 3 + i]!));
    expect(maxDiff).toBeLessThan(1e-4);
    // A fresh session on the same input gives the same bits.
    const s2 = await session('unet3d-tiny');
    const d2 = (await s2.run({ input: new ort.Tensor('float32', x, [2, 1, 64, 64, 64]) })).logits!.data as Float32Array;
    expect(Buffer.from(d2.buffer).equals(Buffer.from(d1.buffer))).toBe(true);
    // One 64³ patch on one thread (informational).
    const patch = new ort.Tensor('float32', x.slice(0, 64 ** 3), [1, 1, 64, 64, 64]);
    await s2.run({ input: patch });
    const t0 = performance.now();
    await s2.run({ input: patch });
    console.log(`unet3d-tiny: one 64³ patch, 1 thread: ${(performance.now() - t0).toFixed(0)} ms`);
    await s1.release();
    await s2.release();
  });
});
