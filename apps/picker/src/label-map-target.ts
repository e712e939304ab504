/**
 * Where `segment`'s fused pass sends its blended chunks: each complete chunk's argmax over the classes
 * (finalize's multiclass argmax; no-data → 0) is copied into one dense uint8 label map of the whole
 * tomogram, which copick then stores as a multilabel segmentation.
 */
import { finalizeChunk, resolveFinalizeSpec, type FinalizeSpec } from '@voxelflow/finalize';
import type { FusedChunkTarget, RunSetup } from '@voxelflow/inference';

/** The model gave another number of channels than its config promised. */
export class ClassCountMismatchError extends Error {
  override name = 'ClassCountMismatchError';
}

/** A {@link FusedChunkTarget} that assembles the argmax label map of a single-part run. */
export class LabelMapTarget implements FusedChunkTarget {
  /** The label map (z, y, x), allocated when the run begins. */
  labels: Uint8Array = new Uint8Array(0);
  /** Its shape (z, y, x). */
  shape: [number, number, number] = [0, 0, 0];
  private spec: FinalizeSpec | undefined;
  private scratch: Uint8Array = new Uint8Array(0);

  constructor(
    /** Classes the model config promises (checked against the model's channels); undefined: any. */
    private readonly expectedClasses?: number,
    /** Named in the mismatch message. */
    private readonly modelDescription = 'the model',
  ) {}

  async begin(info: { channels: number; setup: RunSetup }): Promise<void> {
    const { channels, setup } = info;
    if (this.expectedClasses !== undefined && channels !== this.expectedClasses) {
      throw new ClassCountMismatchError(
        `${this.modelDescription} gives ${channels} output channels but its config promises ${this.expectedClasses} classes (background included); fix num_classes/labels in the model config`,
      );
    }
    this.spec = resolveFinalizeSpec({ mode: 'multiclass', threshold: true, dtype: 'uint8' }, channels);
    const s = setup.spatialShape;
    this.shape = [s[0]!, s[1]!, s[2]!];
    this.labels = new Uint8Array(this.shape[0] * this.shape[1] * this.shape[2]);
  }

  async complete(chunk: { start: readonly number[]; shape: readonly number[] }, logits: Float32Array): Promise<void> {
    const spec = this.spec!;
    const [cz, cy, cx] = [chunk.shape[0]!, chunk.shape[1]!, chunk.shape[2]!];
    if (this.scratch.length < cz * cy * cx) this.scratch = new Uint8Array(cz * cy * cx);
    const argmax = finalizeChunk(logits, spec.channels, chunk.shape, spec, this.scratch).channels as Uint8Array;
    const [, Y, X] = this.shape;
    const [z0, y0, x0] = [chunk.start[0]!, chunk.start[1]!, chunk.start[2]!];
    for (let z = 0; z < cz; z++) {
      for (let y = 0; y < cy; y++) {
        const src = (z * cy + y) * cx;
        this.labels.set(argmax.subarray(src, src + cx), ((z0 + z) * Y + (y0 + y)) * X + x0);
      }
    }
  }

  async partial(): Promise<void> {
    // segment runs every tomogram as one part, so every chunk completes.
    throw new Error('segment: a chunk was left incomplete; the tomogram must run as a single part');
  }
}
