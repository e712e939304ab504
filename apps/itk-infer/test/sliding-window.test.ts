import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRunner, resolveModel } from '@voxelflow/inference';
import { OnnxBackend } from '@voxelflow/runtime-onnx';
import { ttaTransforms } from '@voxelflow/tiling';
import { slidingWindowLogits, type PatchRunner } from '../src/sliding-window';
import { replicatePad } from '../src/replicate-pad';
import { ANALYTIC, random } from './helpers';

/** The reference's "window-index predictor": window k (in visiting order) returns the constant k + 1. */
class WindowIndexRunner implements PatchRunner {
  readonly outChannels = 1;
  private k = 0;
  /** Every patch the model saw, in order. */
  readonly seen: number[][] = [];
  constructor(private readonly patchVox: number) {}
  async run(input: Float32Array, count: number): Promise<Float32Array> {
    const out = new Float32Array(count * this.patchVox);
    for (let b = 0; b < count; b++) {
      this.seen.push(Array.from(input.subarray(b * this.patchVox, (b + 1) * this.patchVox)));
      out.fill(++this.k, b * this.patchVox, (b + 1) * this.patchVox);
    }
    return out;
  }
}

describe('slidingWindowLogits', () => {
  it('averages uniformly as itk_infer does (conformance vectors of the reference, §F)', async () => {
    const cases: [number, number, number, number[]][] = [
      [7, 3, 1, [1, 1.5, 2, 3, 4, 4.5, 5]],
      [10, 4, 2, [1, 1, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4, 4]],
    ];
    for (const [d, p, s, want] of cases) {
      for (const batchSize of [1, 3]) {
        const r = await slidingWindowLogits({
          image: new Float32Array(d),
          shape: [1, 1, d],
          patchSize: [1, 1, p],
          stride: [1, 1, s],
          runner: new WindowIndexRunner(p),
          batchSize,
        });
        expect(Array.from(r.logits), `D=${d} P=${p} S=${s} batch ${batchSize}`).toEqual(want);
      }
    }
  });

  it('pads images smaller than the patch by replicating the edge (centred) and crops back', async () => {
    const runner = new WindowIndexRunner(5);
    const r = await slidingWindowLogits({ image: Float32Array.from([5, 9]), shape: [1, 1, 2], patchSize: [1, 1, 5], stride: [1, 1, 2], runner });
    expect(runner.seen).toEqual([[5, 5, 9, 9, 9]]); // ⌊3/2⌋ = 1 before, 2 after
    expect(Array.from(r.logits)).toEqual([1, 1]);
    expect(r.windows).toBe(1);
  });

  it('reports progress per batch', async () => {
    const events: [number, number][] = [];
    await slidingWindowLogits({
      image: new Float32Array(7),
      shape: [1, 1, 7],
      patchSize: [1, 1, 3],
      stride: [1, 1, 1],
      runner: new WindowIndexRunner(3),
      batchSize: 2,
      onProgress: (d, t) => events.push([d, t]),
    });
    expect(events).toEqual([[0, 5], [2, 5], [4, 5], [5, 5]]);
  });

  describe('with the analytic ONNX model', () => {
    let backend: OnnxBackend;
    beforeAll(async () => {
      backend = await OnnxBackend.create(await resolveModel(ANALYTIC), { device: 'cpu', threads: 1 });
    });
    afterAll(async () => backend.dispose());

    it('gives logit₁ = 2x − 1 and logit₀ = 1 − 2x on every voxel of a partly padded image', async () => {
      const shape = [5, 40, 19] as const;
      const n = shape[0] * shape[1] * shape[2];
      const r = random(3);
      const image = Float32Array.from({ length: n }, () => r());
      const runner = new ModelRunner({ backends: [backend], transforms: ttaTransforms('none', 3), patchSize: [8, 16, 8], inChannels: 1, maxBatch: 4 });
      const out = await slidingWindowLogits({ image, shape, patchSize: [8, 16, 8], stride: [4, 8, 4], runner, batchSize: 4 });
      expect(out.channels).toBe(2);
      expect(out.windows).toBe(1 * 4 * 4); // z padded: 1; y: ceil(24 / 8) + 1; x: ceil(11 / 4) + 1
      let worst = 0;
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(out.logits[i]! - (1 - 2 * image[i]!)), Math.abs(out.logits[n + i]! - (2 * image[i]! - 1)));
      }
      expect(worst).toBeLessThan(1e-6);
    });
  });
});

describe('replicatePad', () => {
  it('repeats the nearest edge voxel on every axis', () => {
    const src = Float32Array.from([1, 2, 3, 4]); // shape (1, 2, 2)
    const { data, shape } = replicatePad(src, [1, 2, 2], [1, 0, 1], [0, 1, 0]);
    expect(shape).toEqual([2, 3, 3]);
    const plane = [1, 1, 2, 3, 3, 4, 3, 3, 4];
    expect(Array.from(data)).toEqual([...plane, ...plane]);
  });
});
