/**
 * `analytic3d.onnx`: one 1×1×1 Conv, so every voxel's logits are known exactly:
 * logit₀ = −2x + 1, logit₁ = 2x − 1, hence logit₁ − logit₀ = 4·(x − 0.5) and p(foreground) =
 * sigmoid(4·(x − 0.5)). Batch and all spatial dims are dynamic.
 */
import { encodeModel, GraphBuilder } from './graph-builder';
import type { TestModelCard } from './model-card';
import type { TestModel } from './test-model';
import { toFloat16Array } from '../float16';
import { GENERATOR_VERSION } from '../version';

/** Conv weights (out-channel order) and biases of the analytic model. */
export const ANALYTIC3D_WEIGHTS = [-2, 2] as const;
/** See {@link ANALYTIC3D_WEIGHTS}. */
export const ANALYTIC3D_BIASES = [1, -1] as const;

const FORMULA =
  'logits[n,0,z,y,x] = -2*x + 1; logits[n,1,z,y,x] = 2*x - 1 (x = input[n,0,z,y,x]); ' +
  'so logit1 - logit0 = 4*(x - 0.5) and softmax foreground = sigmoid(4*(x - 0.5)). A 1x1x1 Conv; N, Z, Y, X dynamic.';

/** Builds analytic3d (float32) or its float16 twin (float16 input, weights and output). */
export function buildAnalytic3d(precision: 'float32' | 'float16' = 'float32'): TestModel {
  const fp16 = precision === 'float16';
  const name = fp16 ? 'analytic3d-fp16' : 'analytic3d';
  const g = new GraphBuilder();
  const dims = ['N', 1, 'Z', 'Y', 'X'];
  const outDims = ['N', 2, 'Z', 'Y', 'X'];
  g.input('input', precision, dims);
  const w = fp16 ? toFloat16Array(ANALYTIC3D_WEIGHTS) : Float32Array.from(ANALYTIC3D_WEIGHTS);
  const b = fp16 ? toFloat16Array(ANALYTIC3D_BIASES) : Float32Array.from(ANALYTIC3D_BIASES);
  g.initializer('conv.weight', precision, [2, 1, 1, 1, 1], w);
  g.initializer('conv.bias', precision, [2], b);
  g.conv('input', 'conv.weight', 'conv.bias', [1, 1, 1], 'logits');
  g.output('logits', precision, outDims);
  const card: TestModelCard = {
    name,
    patchSize: [32, 32, 32],
    inChannels: 1,
    numClasses: 2,
    labels: ['background', 'foreground'],
    normalization: 'none',
    layout: '3d',
    activation: 'softmax',
  };
  const formula = fp16 ? `${FORMULA} float16 input, weights and output.` : FORMULA;
  const model = g.build({ graphName: name, docString: formula, card, producerVersion: GENERATOR_VERSION });
  return {
    fileName: `${name}.onnx`,
    bytes: encodeModel(model),
    description: {
      file: `models/${name}.onnx`,
      input: { name: 'input', dtype: precision, shape: dims },
      output: { name: 'logits', dtype: precision, shape: outDims },
      card,
      formula,
      parameters: { weights: [...ANALYTIC3D_WEIGHTS], biases: [...ANALYTIC3D_BIASES], logitDifference: '4*(x - 0.5)' },
    },
  };
}
