/**
 * `ink25d.onnx`: a 2.5D ink model with a known answer. Input [N, 1, 26, 64, 64] (layers, H, W) →
 * output [N, 1, 16, 16] logits: the mean over layers, averaged over 4×4 pixel blocks, then
 * a·(m − b).
 */
import { encodeModel, GraphBuilder } from './graph-builder';
import type { TestModelCard } from './model-card';
import type { TestModel } from './test-model';
import { GENERATOR_VERSION } from '../version';

/** Layers the model takes. */
export const INK_LAYERS = 26;
/** Tile edge in pixels. */
export const INK_TILE = 64;
/** Output pixels per input pixel block edge. */
export const INK_POOL = 4;
/** Logit gain a. */
export const INK_GAIN = 4;
/** Logit offset b (the mean at which p = 0.5). */
export const INK_OFFSET = 0.5;
/** clip_scale normalization of the card: clip to [0, 200] then divide by 200 (ink container). */
export const INK_CLIP = 200;

/** Builds ink25d. */
export function buildInk25d(): TestModel {
  const g = new GraphBuilder();
  const out = INK_TILE / INK_POOL;
  const dims = ['N', 1, INK_LAYERS, INK_TILE, INK_TILE];
  const outDims = ['N', 1, out, out];
  g.input('input', 'float32', dims);
  g.initializer('squeeze.axes', 'int64', [1], BigInt64Array.from([2n]));
  g.initializer('offset', 'float32', [], Float32Array.from([INK_OFFSET]));
  g.initializer('gain', 'float32', [], Float32Array.from([INK_GAIN]));
  const mean = g.node('ReduceMean', ['input'], { axes: [2], keepdims: 1 }); // [N,1,1,H,W]
  const plane = g.node('Squeeze', [mean, 'squeeze.axes']); // [N,1,H,W]
  const pooled = g.node('AveragePool', [plane], {
    kernel_shape: [INK_POOL, INK_POOL],
    strides: [INK_POOL, INK_POOL],
    pads: [0, 0, 0, 0],
    ceil_mode: 0,
    count_include_pad: 0,
  });
  const centred = g.node('Sub', [pooled, 'offset']);
  g.node('Mul', [centred, 'gain'], {}, ['logits']);
  g.output('logits', 'float32', outDims);
  const card: TestModelCard = {
    name: 'ink25d',
    patchSize: [INK_TILE, INK_TILE],
    inChannels: 1,
    numClasses: 1,
    labels: ['ink'],
    normalization: 'clip_scale',
    clipValue: INK_CLIP,
    layout: '2.5d',
    layers: INK_LAYERS,
    activation: 'sigmoid',
  };
  const formula =
    `logits[n,0,i,j] = ${INK_GAIN}*(m[n,i,j] - ${INK_OFFSET}) where m[n,i,j] = mean over the ${INK_LAYERS} layers l and ` +
    `the ${INK_POOL}x${INK_POOL} pixels (h, w) in [${INK_POOL}i, ${INK_POOL}i+${INK_POOL}) x [${INK_POOL}j, ${INK_POOL}j+${INK_POOL}) of input[n,0,l,h,w]. ` +
    `Input [N,1,${INK_LAYERS},${INK_TILE},${INK_TILE}] (layers, H, W) -> [N,1,${out},${out}]; the card asks for clip_scale ` +
    `(clip to [0, ${INK_CLIP}], divide by ${INK_CLIP}) and sigmoid.`;
  const model = g.build({ graphName: 'ink25d', docString: formula, card, producerVersion: GENERATOR_VERSION });
  return {
    fileName: 'ink25d.onnx',
    bytes: encodeModel(model),
    description: {
      file: 'models/ink25d.onnx',
      input: { name: 'input', dtype: 'float32', shape: dims },
      output: { name: 'logits', dtype: 'float32', shape: outDims },
      card,
      formula,
      parameters: { layers: INK_LAYERS, tile: INK_TILE, pool: INK_POOL, gain: INK_GAIN, offset: INK_OFFSET, clipValue: INK_CLIP },
    },
  };
}
