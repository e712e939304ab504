/**
 * The Accumulator: the one blending mechanism. Output space is cut into chunks; each open chunk holds
 * Σ w·logits and Σ w in float32. The patch set is known up front (a cartesian product of per-axis
 * positions), so every chunk knows how many patches will touch it; when the last one has been added
 * (or skipped as empty) the chunk is handed back complete and its memory is released.
 */
import { accumulatePatchIntoChunk } from './accumulate-kernel';
import { ChunkLedger, type AccumulatedChunk, type AccumulatorOptions } from './chunk-ledger';

export type { AccumulatedChunk, AccumulatorOptions };

/** The Accumulator on the calling thread. See PooledAccumulator for the worker-thread variant. */
export class Accumulator {
  /**
   * Open chunks and the per-chunk patch counts.
   * @internal
   */
  protected readonly ledger: ChunkLedger;
  /** The patch-sized importance map every patch is multiplied by. */
  readonly weights: Float32Array;

  constructor(options: AccumulatorOptions) {
    this.ledger = new ChunkLedger(options);
    this.weights = options.weights;
  }

  /** Spatial shape of the output volume, (Z, Y, X). */
  get shape(): readonly number[] {
    return this.ledger.shape;
  }
  /** Output chunk shape, (cz, cy, cx); edge chunks are clipped to the volume. */
  get chunkShape(): readonly number[] {
    return this.ledger.chunkShape;
  }
  /** Logit channels per voxel. */
  get channels(): number {
    return this.ledger.channels;
  }
  /** Patch size, (pz, py, px). */
  get patchSize(): readonly number[] {
    return this.ledger.patchSize;
  }
  /** Bytes currently held by open chunks. */
  get openBytes(): number {
    return this.ledger.openBytes;
  }
  /** Largest number of bytes held in open chunks at any time. */
  get peakOpenBytes(): number {
    return this.ledger.peakOpenBytes;
  }
  /** Number of chunks currently open. */
  get openChunks(): number {
    return this.ledger.openChunks;
  }

  /** How many patches of the set touch chunk `index` (0: the chunk stays no-data). */
  expectedPatches(index: readonly number[]): number {
    return this.ledger.expectedPatches(index);
  }

  /** Adds a patch's logits ([C, pz, py, px], float32) at `start`; returns the chunks it completed. */
  add(start: readonly number[], logits: Float32Array): AccumulatedChunk[] {
    checkLogits(logits, this.channels, this.weights.length);
    const done: AccumulatedChunk[] = [];
    const patch = { logits, start, size: this.patchSize };
    this.ledger.touch(start, (chunk, last) => {
      accumulatePatchIntoChunk(chunk, patch, this.weights, this.channels);
      chunk.contributions++;
      if (last) done.push(this.ledger.close(chunk));
    });
    return done;
  }

  /** Counts an empty (skipped) patch at `start` toward completion without adding weight. */
  skip(start: readonly number[]): AccumulatedChunk[] {
    const done: AccumulatedChunk[] = [];
    this.ledger.touch(start, (chunk, last) => {
      if (last) done.push(this.ledger.close(chunk));
    });
    return done;
  }

  /** Hands back every chunk still open (incomplete: partial sums) and forgets them. */
  drain(): AccumulatedChunk[] {
    return this.ledger.drain();
  }
}

export function checkLogits(logits: Float32Array, channels: number, patchVoxels: number): void {
  if (logits.length !== channels * patchVoxels) {
    throw new RangeError(`patch logits have ${logits.length} values; expected ${channels}×${patchVoxels}`);
  }
}
