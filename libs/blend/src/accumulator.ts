/**
 * The Accumulator: the one blending mechanism. Output space is cut into chunks; each open chunk holds
 * Σ w·logits and Σ w in float32. The patch set is known up front (a cartesian product of per-axis
 * positions), so every chunk knows how many patches will touch it; when the last one has been added
 * (or skipped as empty) the chunk is handed back complete and its memory is released.
 */
import { accumulatePatchIntoChunk, type ChunkBuffers } from './accumulate-kernel';
import { chunkBox, chunkCounts, chunkLinearIndex, forEachChunk, patchesPerChunkAxis, touchedChunkRange } from './chunk-grid';

export interface AccumulatorOptions {
  /** Spatial shape of the output volume, (Z, Y, X). */
  shape: readonly number[];
  /** Output chunk shape, (cz, cy, cx). */
  chunkShape: readonly number[];
  /** Logit channels. */
  channels: number;
  /** Patch size, (pz, py, px). */
  patchSize: readonly number[];
  /** Patch-sized importance map (the Gaussian), float32. */
  weights: Float32Array;
  /**
   * Per-axis patch starts of the patch set that will be fed: every combination is one patch, and each
   * must be passed to `add` or `skip` exactly once for its chunks to complete.
   */
  positions: readonly (readonly number[])[];
}

export interface AccumulatedChunk extends ChunkBuffers {
  /** Chunk grid index. */
  index: number[];
  /** True when every patch of the set that touches this chunk has been added or skipped. */
  complete: boolean;
  /** Patches added (not skipped) to this chunk. */
  contributions: number;
}

interface OpenChunk extends AccumulatedChunk {
  remaining: number;
}

export class Accumulator {
  readonly shape: readonly number[];
  readonly chunkShape: readonly number[];
  readonly channels: number;
  readonly patchSize: readonly number[];
  readonly weights: Float32Array;
  private readonly counts: number[];
  private readonly perAxis: Int32Array[];
  private readonly positionSets: Set<number>[];
  private readonly open = new Map<number, OpenChunk>();
  private openBytesNow = 0;
  /** Largest number of bytes held in open chunks at any time (for memory reports). */
  peakOpenBytes = 0;

  constructor(options: AccumulatorOptions) {
    const { shape, chunkShape, patchSize, weights, channels } = options;
    if (shape.length !== 3 || chunkShape.length !== 3 || patchSize.length !== 3) {
      throw new RangeError('Accumulator works on 3D volumes: shape, chunkShape and patchSize need 3 entries');
    }
    const patchVox = patchSize[0]! * patchSize[1]! * patchSize[2]!;
    if (weights.length !== patchVox) {
      throw new RangeError(`importance map has ${weights.length} values but the patch ${patchSize.join('×')} has ${patchVox}`);
    }
    this.shape = shape;
    this.chunkShape = chunkShape;
    this.channels = channels;
    this.patchSize = patchSize;
    this.weights = weights;
    this.counts = chunkCounts(shape, chunkShape);
    this.perAxis = patchesPerChunkAxis(options.positions, patchSize, shape, chunkShape);
    this.positionSets = options.positions.map((p) => new Set(p));
  }

  /** How many patches of the set touch chunk `index` (0: the chunk stays no-data). */
  expectedPatches(index: readonly number[]): number {
    return this.perAxis[0]![index[0]!]! * this.perAxis[1]![index[1]!]! * this.perAxis[2]![index[2]!]!;
  }

  /** Bytes currently held by open chunks. */
  get openBytes(): number {
    return this.openBytesNow;
  }

  /** Number of chunks currently open. */
  get openChunks(): number {
    return this.open.size;
  }

  /** Adds a patch's logits ([C, pz, py, px], float32) at `start`; returns the chunks it completed. */
  add(start: readonly number[], logits: Float32Array): AccumulatedChunk[] {
    if (logits.length !== this.channels * this.weights.length) {
      throw new RangeError(`patch logits have ${logits.length} values; expected ${this.channels}×${this.weights.length}`);
    }
    return this.visit(start, logits);
  }

  /** Counts an empty (skipped) patch at `start` toward completion without adding weight. */
  skip(start: readonly number[]): AccumulatedChunk[] {
    return this.visit(start, null);
  }

  /** Hands back every chunk still open (incomplete: partial sums) and forgets them. */
  drain(): AccumulatedChunk[] {
    const out = [...this.open.values()].map((c) => this.release(c));
    this.open.clear();
    return out;
  }

  private visit(start: readonly number[], logits: Float32Array | null): AccumulatedChunk[] {
    if (!this.positionSets.every((set, a) => set.has(start[a]!))) {
      throw new RangeError(`patch at ${start.join(',')} is not part of the accumulator's patch set`);
    }
    const ranges = touchedChunkRange(start, this.patchSize, this.shape, this.chunkShape);
    if (!ranges) return [];
    const done: AccumulatedChunk[] = [];
    const patch = logits ? { logits, start, size: this.patchSize } : null;
    forEachChunk(ranges, (index) => {
      const key = chunkLinearIndex(index, this.counts);
      let chunk = this.open.get(key);
      if (!chunk) {
        const expected = this.expectedPatches(index);
        if (expected === 0) {
          throw new RangeError(`patch at ${start.join(',')} is not part of the accumulator's patch set`);
        }
        chunk = this.openChunk(index, expected);
        this.open.set(key, chunk);
      }
      if (patch) {
        accumulatePatchIntoChunk(chunk, patch, this.weights, this.channels);
        chunk.contributions++;
      }
      chunk.remaining--;
      if (chunk.remaining === 0) {
        chunk.complete = true;
        this.open.delete(key);
        done.push(this.release(chunk));
      } else if (chunk.remaining < 0) {
        throw new RangeError(`chunk ${index.join(',')} received more patches than the grid has; was a patch added twice?`);
      }
    });
    return done;
  }

  private openChunk(index: number[], expected: number): OpenChunk {
    const box = chunkBox(index, this.shape, this.chunkShape);
    const shape = box.stop.map((s, a) => s - box.start[a]!);
    const vox = shape[0]! * shape[1]! * shape[2]!;
    this.openBytesNow += vox * (this.channels + 1) * 4;
    this.peakOpenBytes = Math.max(this.peakOpenBytes, this.openBytesNow);
    return {
      index,
      start: box.start,
      shape,
      sum: new Float32Array(vox * this.channels),
      weight: new Float32Array(vox),
      complete: false,
      contributions: 0,
      remaining: expected,
    };
  }

  private release(chunk: OpenChunk): AccumulatedChunk {
    this.openBytesNow -= chunk.weight.length * (this.channels + 1) * 4;
    const { remaining: _remaining, ...out } = chunk;
    return out;
  }
}
