/**
 * The fused pipeline's single writer: takes complete chunks and partial sums (from this process or
 * from part processes), merges partial sums of chunks shared by parts, and hands every finished chunk
 * to the finalize output. One writer means one progress record and one completion marker.
 */
import { divideChunk } from '@voxelflow/blend';
import { createFinalizeOutput, type FinalizeOutput, type FinalizeOutputOptions } from '@voxelflow/finalize';

interface Partial {
  sum: Float32Array;
  weight: Float32Array;
  counted: number;
}

/** The fused pipeline's single writer (see the module comment). */
export class ChunkCollector {
  private output: Promise<FinalizeOutput> | undefined;
  private readonly partials = new Map<string, Partial>();
  /** Chunks handed to the output so far. */
  chunksWritten = 0;
  /** Chunks assembled from several parts' partial sums. */
  mergedChunks = 0;

  /** Takes the output's options; the channel count comes later, with `begin`. */
  constructor(private outputOptions: Omit<FinalizeOutputOptions, 'channels'>) {}

  /** Sets the output chunk shape before `begin` (when it is only known from the model). */
  setChunkShape(chunkShape: readonly number[]): void {
    if (this.output) throw new Error('internal: chunk shape set after the output was created');
    this.outputOptions = { ...this.outputOptions, chunkShape };
  }

  /** Whether a chunk was finished by an earlier run (resume). */
  isDone(index: readonly number[]): boolean {
    return this.done?.isChunkDone(index) ?? false;
  }
  private done: FinalizeOutput | undefined;

  /** Creates (once) the output for `channels` logit channels; later calls return the same one. */
  begin(channels: number): Promise<FinalizeOutput> {
    this.output ??= createFinalizeOutput({ ...this.outputOptions, channels }).then((out) => (this.done = out));
    return this.output;
  }

  /** The output, once `begin` ran. */
  get ready(): Promise<FinalizeOutput> | undefined {
    return this.output;
  }

  /** Writes a complete chunk's blended logits [C, ...chunk] (NaN = no-data) to the output. */
  async complete(index: readonly number[], logits: Float32Array): Promise<void> {
    const out = await this.output!;
    await out.writeChunk(index, logits);
    this.chunksWritten++;
  }

  /** Adds one part's partial sums; writes the chunk once all `expected` patches are counted. */
  async partial(index: readonly number[], sum: Float32Array, weight: Float32Array, counted: number, expected: number, channels: number): Promise<void> {
    const key = index.join(',');
    let p = this.partials.get(key);
    if (!p) {
      p = { sum: new Float32Array(sum.length), weight: new Float32Array(weight.length), counted: 0 };
      this.partials.set(key, p);
    }
    for (let i = 0; i < sum.length; i++) p.sum[i]! += sum[i]!;
    for (let i = 0; i < weight.length; i++) p.weight[i]! += weight[i]!;
    p.counted += counted;
    if (p.counted > expected) throw new Error(`internal: chunk ${key} counted ${p.counted} of ${expected} patches`);
    if (p.counted === expected) {
      this.partials.delete(key);
      this.mergedChunks++;
      await this.complete(index, divideChunk(p.sum, p.weight, channels));
    }
  }

  /** Chunks still waiting for other parts' sums (non-zero after all parts ran means a part is missing). */
  get pendingPartials(): number {
    return this.partials.size;
  }
}
