/**
 * `unet3d-tiny.onnx`: a 2-level 3D UNet with seeded He-initialised weights — a realistic graph
 * (Conv, LeakyRelu, MaxPool, ConvTranspose, Concat) of a realistic cost, for speed and plumbing
 * tests. Its outputs have no closed form; tests check the shape and determinism.
 */
import { encodeModel, GraphBuilder } from './graph-builder';
import type { TestModelCard } from './model-card';
import type { TestModel } from './test-model';
import { Random } from '../random';
import { GENERATOR_VERSION } from '../version';

/** Seed of the weight generator. */
export const UNET_SEED = 20261122;
/** Channels at level 1 and level 2. */
export const UNET_CHANNELS = [8, 16] as const;
/** Fixed patch edge. */
export const UNET_PATCH = 64;
/** Negative slope of every LeakyRelu. */
export const UNET_LEAKY_ALPHA = 0.01;

/** Builds unet3d-tiny. */
export function buildUnet3dTiny(): TestModel {
  const rng = new Random(UNET_SEED);
  const g = new GraphBuilder();
  const [c1, c2] = UNET_CHANNELS;
  const p = UNET_PATCH;
  let params = 0;

  /** Gaussian weights with std = gain / sqrt(fanIn); biases 0.01·N(0, 1). */
  const tensor = (name: string, dims: number[], fanIn: number, gain: number): string => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const std = gain / Math.sqrt(fanIn);
    for (let i = 0; i < n; i++) data[i] = std * rng.normal();
    params += n;
    return g.initializer(name, 'float32', dims, data);
  };
  const bias = (name: string, n: number): string => {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = 0.01 * rng.normal();
    params += n;
    return g.initializer(name, 'float32', [n], data);
  };
  const convBlock = (x: string, name: string, cin: number, cout: number): string => {
    const w = tensor(`${name}.weight`, [cout, cin, 3, 3, 3], cin * 27, Math.SQRT2);
    const b = bias(`${name}.bias`, cout);
    const y = g.conv(x, w, b, [3, 3, 3]);
    return g.node('LeakyRelu', [y], { alpha: { float: UNET_LEAKY_ALPHA } });
  };

  const dims = ['N', 1, p, p, p];
  const outDims = ['N', 2, p, p, p];
  g.input('input', 'float32', dims);
  const e1 = convBlock(convBlock('input', 'enc1.conv1', 1, c1), 'enc1.conv2', c1, c1);
  const down = g.node('MaxPool', [e1], { kernel_shape: [2, 2, 2], strides: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0] });
  const e2 = convBlock(convBlock(down, 'enc2.conv1', c1, c2), 'enc2.conv2', c2, c2);
  const upW = tensor('up.weight', [c2, c1, 2, 2, 2], c2, Math.SQRT2); // ConvTranspose: [C_in, C_out, k, k, k]
  const upB = bias('up.bias', c1);
  const up = g.node('ConvTranspose', [e2, upW, upB], { kernel_shape: [2, 2, 2], strides: [2, 2, 2] });
  const cat = g.node('Concat', [up, e1], { axis: 1 });
  const d1 = convBlock(cat, 'dec1.conv1', 2 * c1, c1);
  // Antisymmetric head (logit₀ = −logit₁), as a softmax model's logits are up to a shared offset: the
  // foreground margin logit₁ − logit₀ is then not buried under a common term that float16 storage
  // would blur, so fused (float32) and staged (float16) results can be compared voxel for voxel.
  const half = new Float32Array(c1);
  const std = 1 / Math.sqrt(c1);
  for (let i = 0; i < c1; i++) half[i] = 0.5 * std * rng.normal();
  const hb = 0.005 * rng.normal();
  params += c1 + 1;
  const headW = g.initializer('head.weight', 'float32', [2, c1, 1, 1, 1], Float32Array.from([...half].map((v) => -v).concat([...half])));
  const headB = g.initializer('head.bias', 'float32', [2], Float32Array.from([-hb, hb]));
  g.conv(d1, headW, headB, [1, 1, 1], 'logits');
  g.output('logits', 'float32', outDims);

  const card: TestModelCard = {
    name: 'unet3d-tiny',
    patchSize: [p, p, p],
    inChannels: 1,
    numClasses: 2,
    labels: ['background', 'foreground'],
    normalization: 'instance_zscore',
    layout: '3d',
    activation: 'softmax',
  };
  const formula =
    `2-level 3D UNet, channels ${c1}/${c2}: 2x(Conv3+LeakyRelu ${UNET_LEAKY_ALPHA}) -> MaxPool 2 -> 2x(Conv3+LeakyRelu) -> ` +
    'ConvTranspose k2 s2 -> Concat(up, skip) -> Conv3+LeakyRelu -> Conv1 -> 2 antisymmetric logits (logit0 = -logit1; no softmax). ' +
    `Weights N(0, 2/fan_in) and biases 0.01*N(0,1) from mulberry32 seed ${UNET_SEED} with Box-Muller. ` +
    `Input [N,1,${p},${p},${p}] fixed spatially; output [N,2,${p},${p},${p}]. No closed form.`;
  const model = g.build({ graphName: 'unet3d-tiny', docString: formula, card, producerVersion: GENERATOR_VERSION });
  return {
    fileName: 'unet3d-tiny.onnx',
    bytes: encodeModel(model),
    description: {
      file: 'models/unet3d-tiny.onnx',
      input: { name: 'input', dtype: 'float32', shape: dims },
      output: { name: 'logits', dtype: 'float32', shape: outDims },
      card,
      formula,
      parameters: { seed: UNET_SEED, channels: [...UNET_CHANNELS], leakyReluAlpha: UNET_LEAKY_ALPHA, parameterCount: params },
    },
  };
}
