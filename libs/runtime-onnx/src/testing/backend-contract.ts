/**
 * The ModelBackend contract as a reusable test suite: any backend (onnxruntime-node here, a
 * WebGPU/Wasm or remote backend later) must pass it on the committed test models. Expected values
 * come from the models' closed-form formulas and MANIFEST.json, never from a backend.
 *
 * The test framework is passed in (`{ describe, it }` from vitest) rather than imported, so this
 * module can be exported from the package without making vitest a runtime dependency.
 */
import assert from 'node:assert/strict';
import { InferenceError, ModelMismatchError, type ModelBackend, type ResolvedModel, type Tensor } from '@voxelflow/inference';
import { halfToNumber, numberToHalf } from './float16';
import { uniformFloat32 } from './random';
import { findTestData, loadTestModel, testModelFacts, type TestModelName } from './test-models';

/** The slice of a test framework the contract needs (vitest's and node:test's fit). */
export interface ContractTestApi {
  /** The test runner's `describe` (vitest's, or any with the same shape). */
  describe: (name: string, fn: () => void) => void;
  /** The test runner's `it`, taking a timeout in milliseconds. */
  it: (name: string, fn: () => Promise<void>, timeout?: number) => void;
}

/** Creates the backend under test for a model (the contract disposes it). */
export type MakeContractBackend = (model: ResolvedModel) => Promise<ModelBackend>;

/** Options of {@link backendContract}. */
export interface BackendContractOptions {
  /** The repository's test-data directory; default: found by walking up from the working directory. */
  testDataDir?: string;
  /** Per-test timeout in ms (default 30 000). */
  timeout?: number;
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Largest |a[i] − f(i)| / (1 + |f(i)|). */
function maxRelativeError(n: number, actual: (i: number) => number, expected: (i: number) => number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const e = expected(i);
    const err = Math.abs(actual(i) - e) / (1 + Math.abs(e));
    if (!(err <= worst)) worst = err; // NaN sticks
  }
  return worst;
}

function isSymbolic(d: number | string | null | undefined): boolean {
  return typeof d === 'string' || d === null;
}

/**
 * Registers the contract suite `name` with `api`: shapes and dtypes, the embedded cards, the models'
 * formulas (float32, float16, batch > 1, non-cubic dynamic sizes, 2.5D), determinism, typed errors
 * for mismatched batches, and dispose.
 */
export function backendContract(
  name: string,
  makeBackend: MakeContractBackend,
  api: ContractTestApi,
  options: BackendContractOptions = {},
): void {
  const timeout = options.timeout ?? 30_000;
  const dir = (): string => findTestData(options.testDataDir);

  /** Creates a backend for a test model, runs `body`, always disposes. */
  async function withBackend(model: TestModelName, body: (b: ModelBackend) => Promise<void>): Promise<void> {
    const backend = await makeBackend(loadTestModel(dir(), model));
    try {
      await body(backend);
    } finally {
      await backend.dispose();
    }
  }

  const test = (title: string, fn: () => Promise<void>): void => api.it(title, fn, timeout);

  api.describe(`ModelBackend contract: ${name}`, () => {
    test('describes inputs and outputs with dtypes and symbolic dims', async () => {
      for (const model of ['analytic3d', 'analytic3d-fp16', 'unet3d-tiny', 'ink25d'] as const) {
        const facts = testModelFacts(dir(), model);
        await withBackend(model, async (b) => {
          assert.equal(b.inputs.length, 1, `${model}: one input`);
          assert.ok(b.outputs.length >= 1, `${model}: at least one output`);
          for (const [info, want] of [
            [b.inputs[0]!, facts.input],
            [b.outputs[0]!, facts.output],
          ] as const) {
            assert.equal(info.dtype, want.dtype, `${model} ${info.name} dtype`);
            assert.equal(info.shape.length, want.shape.length, `${model} ${info.name} rank`);
            want.shape.forEach((d, i) => {
              if (typeof d === 'number') assert.equal(info.shape[i], d, `${model} ${info.name} dim ${i}`);
              else assert.ok(isSymbolic(info.shape[i]), `${model} ${info.name} dim ${i} should be symbolic`);
            });
          }
        });
      }
    });

    test('reads the model card embedded in the ONNX metadata', async () => {
      for (const model of ['analytic3d', 'unet3d-tiny', 'multiclass3d', 'ink25d'] as const) {
        const want = testModelFacts(dir(), model).card;
        await withBackend(model, async (b) => {
          for (const [k, v] of Object.entries(want)) {
            assert.deepEqual((b.card as Record<string, unknown>)[k], v, `${model} card.${k}`);
          }
        });
      }
    });

    test('analytic3d: logits follow the formula for batch 3 and a non-cubic dynamic size', async () => {
      await withBackend('analytic3d', async (b) => {
        const shape = [3, 1, 5, 7, 9];
        const n = product(shape);
        const x = uniformFloat32(n, -2, 3, 11);
        const out = await b.run({ dtype: 'float32', data: x, shape });
        assert.equal(out.dtype, 'float32');
        assert.ok(out.data instanceof Float32Array, 'float32 output is a Float32Array');
        assert.deepEqual(out.shape, [3, 2, 5, 7, 9]);
        const spatial = 5 * 7 * 9;
        const logits = out.data;
        // logit0 = −2x + 1, logit1 = 2x − 1 (MANIFEST: analytic3d.formula); output j = (n, c, voxel s).
        const err = maxRelativeError(
          logits.length,
          (j) => logits[j]!,
          (j) => {
            const v = x[Math.floor(j / (2 * spatial)) * spatial + (j % spatial)]!;
            return Math.floor(j / spatial) % 2 === 0 ? -2 * v + 1 : 2 * v - 1;
          },
        );
        assert.ok(err < 1e-6, `max relative error ${err}`);
      });
    });

    test('analytic3d-fp16: float16 in, float16 out, within float16 precision', async () => {
      await withBackend('analytic3d-fp16', async (b) => {
        assert.equal(b.inputs[0]!.dtype, 'float16');
        assert.equal(b.outputs[0]!.dtype, 'float16');
        const shape = [2, 1, 3, 4, 6];
        const n = product(shape);
        const values = uniformFloat32(n, -1.5, 2.5, 12);
        const bits = new Uint16Array(n);
        for (let i = 0; i < n; i++) bits[i] = numberToHalf(values[i]!);
        const out = await b.run({ dtype: 'float16', data: bits, shape });
        assert.equal(out.dtype, 'float16');
        assert.ok(out.data instanceof Uint16Array, 'float16 output travels as Uint16Array bits');
        assert.deepEqual(out.shape, [2, 2, 3, 4, 6]);
        const spatial = 3 * 4 * 6;
        const outBits = out.data;
        for (let j = 0; j < outBits.length; j++) {
          const nIdx = Math.floor(j / (2 * spatial));
          const c = Math.floor(j / spatial) % 2;
          const x = halfToNumber(bits[nIdx * spatial + (j % spatial)]!);
          const want = c === 0 ? -2 * x + 1 : 2 * x - 1;
          const got = halfToNumber(outBits[j]!);
          // One float16 rounding of the exact result: half an ulp, 2^-11 relative; allow one ulp.
          const tol = Math.abs(want) * 2 ** -10 + 2 ** -24;
          assert.ok(Math.abs(got - want) <= tol, `element ${j}: got ${got}, want ${want} (x = ${x})`);
        }
      });
    });

    test('multiclass3d: four logits per voxel, argmax = nearest intensity band', async () => {
      await withBackend('multiclass3d', async (b) => {
        const shape = [1, 1, 4, 5, 6];
        const n = product(shape);
        const x = uniformFloat32(n, -0.4, 3.4, 13);
        const out = await b.run({ dtype: 'float32', data: x, shape });
        assert.deepEqual(out.shape, [1, 4, 4, 5, 6]);
        const logits = out.data as Float32Array;
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          let best = 0;
          for (let k = 0; k < 4; k++) {
            // logit_k = 4(2 c_k x − c_k²), c_k = k (MANIFEST: multiclass3d.formula).
            const want = 4 * (2 * k * v - k * k);
            const got = logits[k * n + i]!;
            assert.ok(Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want)), `voxel ${i} class ${k}: ${got} vs ${want}`);
            if (got > logits[best * n + i]!) best = k;
          }
          const nearest = Math.min(3, Math.max(0, Math.round(v)));
          if (Math.abs(v - Math.round(v)) < 0.49) assert.equal(best, nearest, `voxel ${i} (x = ${v})`);
        }
      });
    });

    test('ink25d: 2.5D layers in, a 4×-pooled map out', async () => {
      await withBackend('ink25d', async (b) => {
        const shape = [2, 1, 26, 64, 64];
        const x = uniformFloat32(product(shape), 0, 1, 14);
        const out = await b.run({ dtype: 'float32', data: x, shape });
        assert.deepEqual(out.shape, [2, 1, 16, 16]);
        const logits = out.data as Float32Array;
        for (let nIdx = 0; nIdx < 2; nIdx++) {
          for (let i = 0; i < 16; i++) {
            for (let j = 0; j < 16; j++) {
              let sum = 0;
              for (let l = 0; l < 26; l++) {
                for (let h = 4 * i; h < 4 * i + 4; h++) {
                  for (let w = 4 * j; w < 4 * j + 4; w++) sum += x[((nIdx * 26 + l) * 64 + h) * 64 + w]!;
                }
              }
              const want = 4 * (sum / (26 * 16) - 0.5);
              const got = logits[(nIdx * 16 + i) * 16 + j]!;
              assert.ok(Math.abs(got - want) < 1e-5, `n ${nIdx} (${i}, ${j}): ${got} vs ${want}`);
            }
          }
        }
      });
    });

    test('unet3d-tiny: fixed 64³ patch from the card, deterministic, outputs not reused', async () => {
      await withBackend('unet3d-tiny', async (b) => {
        assert.deepEqual(b.card.patchSize, [64, 64, 64]);
        const shape = [1, 1, 64, 64, 64];
        const x = uniformFloat32(product(shape), -1, 1, 15);
        const first = await b.run({ dtype: 'float32', data: x, shape });
        assert.deepEqual(first.shape, [1, 2, 64, 64, 64]);
        assert.equal(first.data.length, 2 * 64 ** 3);
        const copy = Float32Array.from(first.data as Float32Array);
        let finite = true;
        let spread = 0;
        for (let i = 0; i < copy.length; i++) {
          if (!Number.isFinite(copy[i]!)) finite = false;
          spread = Math.max(spread, Math.abs(copy[i]! - copy[0]!));
        }
        assert.ok(finite, 'all logits finite');
        assert.ok(spread > 0, 'logits vary with the input');
        const second = await b.run({ dtype: 'float32', data: x, shape });
        assert.deepEqual(second.data, copy, 'same input → same logits');
        assert.deepEqual(first.data, copy, 'a later run does not overwrite an earlier result');
      });
    });

    test('accepts a batch that is a view into a larger buffer', async () => {
      await withBackend('analytic3d', async (b) => {
        const shape = [1, 1, 2, 3, 4];
        const n = product(shape);
        const big = uniformFloat32(n + 17, 0, 1, 16);
        const view = big.subarray(9, 9 + n);
        const out = await b.run({ dtype: 'float32', data: view, shape });
        const logits = out.data as Float32Array;
        for (let i = 0; i < n; i++) {
          assert.ok(Math.abs(logits[n + i]! - (2 * view[i]! - 1)) < 1e-6, `voxel ${i}`);
        }
      });
    });

    test('rejects a batch of the wrong dtype, rank, size or fixed dims with ModelMismatchError', async () => {
      await withBackend('analytic3d', async (b) => {
        const mismatch = (t: Tensor, pattern: RegExp) =>
          assert.rejects(b.run(t), (e: unknown) => {
            assert.ok(e instanceof ModelMismatchError, `expected ModelMismatchError, got ${String(e)}`);
            assert.match(e.message, pattern);
            return true;
          });
        await mismatch({ dtype: 'float16', data: new Uint16Array(8), shape: [1, 1, 2, 2, 2] }, /float16[\s\S]*float32|float32[\s\S]*float16/);
        await mismatch({ dtype: 'float32', data: new Float32Array(8), shape: [1, 2, 2, 2] }, /rank|\[/);
        await mismatch({ dtype: 'float32', data: new Float32Array(7), shape: [1, 1, 2, 2, 2] }, /7|8/);
        await mismatch({ dtype: 'float32', data: new Float32Array(16), shape: [1, 2, 2, 2, 2] }, /1/);
      });
      await withBackend('analytic3d-fp16', async (b) => {
        await assert.rejects(
          b.run({ dtype: 'float32', data: new Float32Array(8), shape: [1, 1, 2, 2, 2] }),
          (e: unknown) => e instanceof ModelMismatchError && /float16/.test(e.message) && /float32/.test(e.message),
        );
      });
      await withBackend('unet3d-tiny', async (b) => {
        await assert.rejects(
          b.run({ dtype: 'float32', data: new Float32Array(32 ** 3), shape: [1, 1, 32, 32, 32] }),
          (e: unknown) => e instanceof ModelMismatchError && /64/.test(e.message),
        );
      });
    });

    test('dispose releases the model; run afterwards fails clearly; dispose twice is harmless', async () => {
      const backend = await makeBackend(loadTestModel(dir(), 'analytic3d'));
      const ok = await backend.run({ dtype: 'float32', data: new Float32Array(1), shape: [1, 1, 1, 1, 1] });
      assert.deepEqual(ok.shape, [1, 2, 1, 1, 1]);
      await backend.dispose();
      await assert.rejects(
        backend.run({ dtype: 'float32', data: new Float32Array(1), shape: [1, 1, 1, 1, 1] }),
        (e: unknown) => e instanceof InferenceError && /dispose/i.test(e.message),
      );
      await backend.dispose();
    });
  });
}
