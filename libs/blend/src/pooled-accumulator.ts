/**
 * The Accumulator with its kernel on worker threads. Chunk buffers, patch logits and the weight map
 * live on SharedArrayBuffers, so a task moves no voxel data. Tasks on one chunk are chained (never two
 * at once on the same memory); tasks on different chunks run in parallel.
 */
import { checkLogits } from './accumulator';
import type { AccumulatePool } from './accumulate-pool';
import { ChunkLedger, type AccumulatedChunk, type AccumulatorOptions, type OpenChunk } from './chunk-ledger';

function toShared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

/**
 * The Accumulator with its kernel on an {@link AccumulatePool} (see the module comment). Same results
 * as {@link Accumulator}, but `add`, `skip` and `drain` are asynchronous.
 */
export class PooledAccumulator {
  private readonly ledger: ChunkLedger;
  private readonly weights: Float32Array;
  private readonly chains = new Map<OpenChunk, Promise<unknown>>();

  constructor(
    options: AccumulatorOptions,
    private readonly pool: AccumulatePool,
  ) {
    this.ledger = new ChunkLedger({ ...options, shared: true });
    this.weights = toShared(options.weights);
  }

  /** Number of chunks currently open. */
  get openChunks(): number {
    return this.ledger.openChunks;
  }
  /** Largest number of bytes held in open chunks at any time. */
  get peakOpenBytes(): number {
    return this.ledger.peakOpenBytes;
  }
  /** Logit channels per voxel. */
  get channels(): number {
    return this.ledger.channels;
  }

  /** A patch-sized float32 buffer on shared memory, for the caller to fill and pass to `add`. */
  allocatePatch(): Float32Array {
    const vox = this.weights.length * this.ledger.channels;
    return new Float32Array(new SharedArrayBuffer(vox * 4));
  }

  /**
   * Adds a patch (logits on a SharedArrayBuffer, see `allocatePatch`); resolves once the patch is in
   * every chunk it touches, with the chunks it completed. The logits buffer is free again then.
   */
  async add(start: readonly number[], logits: Float32Array): Promise<AccumulatedChunk[]> {
    checkLogits(logits, this.ledger.channels, this.weights.length);
    const shared = toShared(logits);
    const work: Promise<AccumulatedChunk | undefined>[] = [];
    this.ledger.touch(start, (chunk, last) => {
      const prev = this.chains.get(chunk) ?? Promise.resolve();
      const next = prev.then(() =>
        this.pool.run({
          sum: chunk.sum,
          weight: chunk.weight,
          chunkStart: [...chunk.start],
          chunkShape: [...chunk.shape],
          logits: shared,
          patchStart: [...start],
          patchSize: [...this.ledger.patchSize],
          weights: this.weights,
          channels: this.ledger.channels,
        }),
      );
      chunk.contributions++;
      this.chains.set(chunk, next);
      work.push(next.then(() => (last ? this.finish(chunk, next) : undefined)));
    });
    return (await Promise.all(work)).filter((c): c is AccumulatedChunk => c !== undefined);
  }

  /** Counts an empty patch toward completion; resolves with the chunks it completed. */
  async skip(start: readonly number[]): Promise<AccumulatedChunk[]> {
    const work: Promise<AccumulatedChunk | undefined>[] = [];
    this.ledger.touch(start, (chunk, last) => {
      if (!last) return;
      const pending = this.chains.get(chunk) ?? Promise.resolve();
      work.push(pending.then(() => this.finish(chunk, pending)));
    });
    return (await Promise.all(work)).filter((c): c is AccumulatedChunk => c !== undefined);
  }

  /** Waits for every task, then hands back the chunks still open (partial sums). */
  async drain(): Promise<AccumulatedChunk[]> {
    await Promise.all(this.chains.values());
    this.chains.clear();
    return this.ledger.drain();
  }

  private finish(chunk: OpenChunk, last: Promise<unknown>): AccumulatedChunk {
    if (this.chains.get(chunk) === last) this.chains.delete(chunk);
    return this.ledger.close(chunk);
  }
}
