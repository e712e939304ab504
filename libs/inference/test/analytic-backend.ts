/**
 * A ModelBackend computed in TypeScript with the analytic test model's formula (logit₀ = a(−2x + 1),
 * logit₁ = a(2x − 1), so logit₁ − logit₀ = 4a(x − 0.5)). It lets the engine's tests check exact
 * answers without a native runtime; the ONNX backend is tested against the same formula elsewhere.
 */
import type { ModelBackend, ModelCard, Tensor, TensorInfo } from '../src';

export class AnalyticBackend implements ModelBackend {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  runs = 0;
  constructor(
    readonly card: ModelCard = { patchSize: [16, 16, 16], normalization: 'none', numClasses: 2 },
    private readonly scale = 1,
    inChannels: number | string = 1,
  ) {
    this.inputs = [{ name: 'x', dtype: 'float32', shape: ['N', inChannels, 'Z', 'Y', 'X'] }];
    this.outputs = [{ name: 'logits', dtype: 'float32', shape: ['N', 2, 'Z', 'Y', 'X'] }];
  }
  async run(batch: Tensor): Promise<Tensor> {
    this.runs++;
    const [n, , ...spatial] = batch.shape as [number, number, ...number[]];
    const vox = spatial.reduce((a, b) => a * b, 1);
    const x = batch.data as Float32Array;
    const out = new Float32Array(n * 2 * vox);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < vox; i++) {
        const v = x[b * vox + i]!;
        out[(b * 2) * vox + i] = this.scale * (-2 * v + 1);
        out[(b * 2 + 1) * vox + i] = this.scale * (2 * v - 1);
      }
    }
    return { dtype: 'float32', data: out, shape: [n, 2, ...spatial] };
  }
  async dispose(): Promise<void> {}
}
