/**
 * `multiclass3d.onnx`: 1 → 4 classes whose winner is the class centre nearest to the intensity.
 * logit_k = a·(2·c_k·x − c_k²) = −a·(x − c_k)² + a·x²; the a·x² term is common to all classes, so
 * softmax and argmax see −a·(x − c_k)²: a 1×1×1 Conv with weight 2·a·c_k and bias −a·c_k².
 */
import { encodeModel, GraphBuilder } from './graph-builder';
import type { TestModelCard } from './model-card';
import type { TestModel } from './test-model';
import { GENERATOR_VERSION } from '../version';
import { TestDataError } from '../errors';

/** Class centres: background 0, then one intensity band per copick particle type (labels 1..3). */
export const MULTICLASS_CENTRES = [0, 1, 2, 3] as const;
/** Sharpness a of the quadratic logits. */
export const MULTICLASS_SHARPNESS = 4;

/** Builds multiclass3d with labels `['background', ...particleNames]` (particle names in label order). */
export function buildMulticlass3d(particleNames: readonly string[]): TestModel {
  if (particleNames.length !== MULTICLASS_CENTRES.length - 1) {
    throw new TestDataError(`multiclass3d needs ${MULTICLASS_CENTRES.length - 1} particle names, got ${particleNames.length}`);
  }
  const a = MULTICLASS_SHARPNESS;
  const weights = MULTICLASS_CENTRES.map((c) => 2 * a * c);
  const biases = MULTICLASS_CENTRES.map((c) => -a * c * c);
  const g = new GraphBuilder();
  const dims = ['N', 1, 'Z', 'Y', 'X'];
  const outDims = ['N', 4, 'Z', 'Y', 'X'];
  g.input('input', 'float32', dims);
  g.initializer('conv.weight', 'float32', [4, 1, 1, 1, 1], Float32Array.from(weights));
  g.initializer('conv.bias', 'float32', [4], Float32Array.from(biases));
  g.conv('input', 'conv.weight', 'conv.bias', [1, 1, 1], 'logits');
  g.output('logits', 'float32', outDims);
  const card: TestModelCard = {
    name: 'multiclass3d',
    patchSize: [32, 32, 32],
    inChannels: 1,
    numClasses: 4,
    labels: ['background', ...particleNames],
    normalization: 'none',
    layout: '3d',
    activation: 'softmax',
  };
  const formula =
    `logits[n,k] = a*(2*c_k*x - c_k^2) with a = ${a}, c = [${MULTICLASS_CENTRES.join(', ')}] ` +
    '(= -a*(x - c_k)^2 + a*x^2), so argmax = the class whose centre is nearest to x ' +
    '(boundaries at 0.5, 1.5, 2.5). A 1x1x1 Conv with weight 2*a*c_k and bias -a*c_k^2; N, Z, Y, X dynamic.';
  const model = g.build({ graphName: 'multiclass3d', docString: formula, card, producerVersion: GENERATOR_VERSION });
  return {
    fileName: 'multiclass3d.onnx',
    bytes: encodeModel(model),
    description: {
      file: 'models/multiclass3d.onnx',
      input: { name: 'input', dtype: 'float32', shape: dims },
      output: { name: 'logits', dtype: 'float32', shape: outDims },
      card,
      formula,
      parameters: { a, centres: [...MULTICLASS_CENTRES], weights, biases, argmaxBoundaries: [0.5, 1.5, 2.5] },
    },
  };
}
