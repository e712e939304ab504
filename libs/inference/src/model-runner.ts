/**
 * Runs a batch of normalized patches through every model of an ensemble under every test-time
 * transform, and returns the mean logits — logits, not probabilities, are averaged (as nnU-Net and
 * Vesuvius do). All buffers are allocated once and reused across batches.
 */
import type { TtaTransform } from '@voxelflow/tiling';
import { float16ToFloat32, float32ToFloat16 } from '@voxelflow/volume-io';
import type { ModelBackend, Tensor } from './backend';
import { ModelMismatchError } from './errors';

/** Options of {@link ModelRunner}. */
export interface ModelRunnerOptions {
  /** The ensemble: every model runs on every batch, and their logits are averaged. */
  backends: readonly ModelBackend[];
  /** Test-time transforms (tiling's `ttaTransforms`); `identity` alone means no TTA. */
  transforms: readonly TtaTransform[];
  /** Patch size (Z, Y, X). */
  patchSize: readonly number[];
  /** Input channels per patch. */
  inChannels: number;
  /** Largest batch `run` will be given (buffers are sized for it). */
  maxBatch: number;
}

function fixedBatch(backend: ModelBackend): number | undefined {
  const d = backend.inputs[0]?.shape[0];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** Runs batches through every model and transform and averages the logits (see the module comment). */
export class ModelRunner {
  /** Voxels per patch (the product of the patch size). */
  readonly patchVoxels: number;
  /** Output channels, known after the first batch (or from the model's declared output shape). */
  outChannels: number | undefined;
  private readonly inVox: number;
  private transformed: Float32Array;
  /** Two output buffers used in turn, so a batch's logits stay valid while the next batch runs. */
  private readonly sums: (Float32Array | undefined)[] = [undefined, undefined];
  private turn = 0;
  private tmp: Float32Array | undefined;
  /** Seconds spent inside backend.run, summed (for the wall-time vs model-time report). */
  modelSeconds = 0;
  /** Number of backend.run calls. */
  runs = 0;

  constructor(private readonly options: ModelRunnerOptions) {
    this.patchVoxels = options.patchSize.reduce((a, b) => a * b, 1);
    this.inVox = this.patchVoxels * options.inChannels;
    this.transformed = new Float32Array(this.inVox * options.maxBatch);
    const declared = options.backends[0]?.outputs[0]?.shape[1];
    if (typeof declared === 'number') this.outChannels = declared;
  }

  /**
   * Mean logits of `count` patches stored back to back in `input` ([count, Cin, ...patch]). Returns a
   * view of an internal buffer [count, C, ...patch], valid until the call after next (two buffers
   * alternate, so the caller can write one batch while the model runs the next).
   */
  async run(input: Float32Array, count: number): Promise<Float32Array> {
    const { backends, transforms, inChannels, patchSize } = this.options;
    const turn = (this.turn ^= 1);
    let initialized = false;
    for (const t of transforms) {
      const identity = t.name === 'identity';
      let src = input;
      if (!identity) {
        // Leading axes (batch, channel) are carried along: one call transforms the whole batch.
        const shape = [count, inChannels, ...patchSize];
        t.apply({ data: input.subarray(0, count * this.inVox), shape }, { data: this.transformed.subarray(0, count * this.inVox), shape });
        src = this.transformed;
      }
      for (const backend of backends) {
        const out = await this.runBackend(backend, src, count);
        const C = this.outChannels!;
        const outVox = C * this.patchVoxels;
        let sum = this.sums[turn];
        if (!sum || sum.length < outVox * this.options.maxBatch) {
          sum = this.sums[turn] = new Float32Array(outVox * this.options.maxBatch);
          this.tmp = new Float32Array(outVox);
        }
        for (let b = 0; b < count; b++) {
          let patch = out.subarray(b * outVox, (b + 1) * outVox);
          if (!identity) {
            const shape = [C, ...patchSize];
            t.invert({ data: patch, shape }, { data: this.tmp!, shape });
            patch = this.tmp!;
          }
          const off = b * outVox;
          if (!initialized) sum.set(patch, off);
          else for (let i = 0; i < outVox; i++) sum[off + i]! += patch[i]!;
        }
        initialized = true;
      }
    }
    const n = transforms.length * backends.length;
    const result = this.sums[turn]!.subarray(0, count * this.outChannels! * this.patchVoxels);
    if (n > 1) {
      const inv = 1 / n;
      for (let i = 0; i < result.length; i++) result[i]! *= inv;
    }
    return result;
  }

  /** Runs one backend over `count` patches, honouring a fixed batch dimension and float16 I/O. */
  private async runBackend(backend: ModelBackend, src: Float32Array, count: number): Promise<Float32Array> {
    const { inChannels, patchSize } = this.options;
    const step = fixedBatch(backend) ?? count;
    const outs: Float32Array[] = [];
    for (let b0 = 0; b0 < count; b0 += step) {
      const n = Math.min(step, count - b0);
      let data = src.subarray(b0 * this.inVox, (b0 + n) * this.inVox);
      if (n < step) {
        // A model with a fixed batch dimension gets its last batch padded with zeros.
        const padded = new Float32Array(step * this.inVox);
        padded.set(data);
        data = padded;
      }
      const dtype = backend.inputs[0]?.dtype ?? 'float32';
      const tensor: Tensor = {
        dtype,
        data: dtype === 'float16' ? float32ToFloat16(data) : data,
        shape: [step, inChannels, ...patchSize],
      };
      const t0 = performance.now();
      const out = await backend.run(tensor);
      this.modelSeconds += (performance.now() - t0) / 1000;
      this.runs++;
      const C = out.shape[1];
      const spatial = out.shape.slice(2);
      if (out.shape[0] !== step || C === undefined || spatial.length !== patchSize.length || spatial.some((s, a) => s !== patchSize[a])) {
        throw new ModelMismatchError(
          `model output shape [${out.shape.join(', ')}] does not match the patch [${step}, C, ${patchSize.join(', ')}]; the model must keep the spatial size`,
        );
      }
      if (this.outChannels === undefined) this.outChannels = C;
      else if (C !== this.outChannels) {
        throw new ModelMismatchError(
          `models of the ensemble disagree on output channels (${this.outChannels} vs ${C}); ensemble only models with the same classes`,
        );
      }
      const f32 = out.dtype === 'float16' ? float16ToFloat32(out.data as Uint16Array) : (out.data as Float32Array);
      outs.push(f32.subarray(0, n * C * this.patchVoxels));
    }
    if (outs.length === 1) return outs[0]!;
    const all = new Float32Array(outs.reduce((a, o) => a + o.length, 0));
    let off = 0;
    for (const o of outs) {
      all.set(o, off);
      off += o.length;
    }
    return all;
  }
}
