/**
 * Bookkeeping shared by the Accumulator and its pooled variant: which output chunks a patch touches,
 * how many patches each chunk still waits for, and the open chunks' buffers. Chunks open lazily on
 * their first patch and are handed back the moment their last patch has been counted.
 */
import type { ChunkBuffers } from './accumulate-kernel';
import { chunkBox, chunkCounts, chunkLinearIndex, forEachChunk, patchesPerChunkAxis, touchedChunkRange } from './chunk-grid';

/** Options of {@link Accumulator} and {@link PooledAccumulator}. */
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
  /** Allocate chunk buffers on SharedArrayBuffers (needed when worker threads accumulate). */
  shared?: boolean;
}

/** A chunk handed back by an accumulator: its sums and the counts that say whether it is complete. */
export interface AccumulatedChunk extends ChunkBuffers {
  /** Chunk grid index. */
  index: number[];
  /** True when every patch of the set that touches this chunk has been added or skipped. */
  complete: boolean;
  /** Patches added (not skipped) to this chunk. */
  contributions: number;
  /** Patches counted against this chunk, added or skipped (= `expected` when complete). */
  counted: number;
  /** Patches of the whole set that touch this chunk. */
  expected: number;
}

export interface OpenChunk extends AccumulatedChunk {
  key: number;
  remaining: number;
}

export class ChunkLedger {
  readonly shape: readonly number[];
  readonly chunkShape: readonly number[];
  readonly channels: number;
  readonly patchSize: readonly number[];
  private readonly counts: number[];
  private readonly perAxis: Int32Array[];
  private readonly positionSets: Set<number>[];
  private readonly open = new Map<number, OpenChunk>();
  private readonly shared: boolean;
  private openBytesNow = 0;
  /** Largest number of bytes held in open chunks at any time (for memory reports). */
  peakOpenBytes = 0;

  constructor(options: AccumulatorOptions) {
    const { shape, chunkShape, patchSize, weights } = options;
    if (shape.length !== 3 || chunkShape.length !== 3 || patchSize.length !== 3) {
      throw new RangeError('Accumulator works on 3D volumes: shape, chunkShape and patchSize need 3 entries');
    }
    const patchVox = patchSize[0]! * patchSize[1]! * patchSize[2]!;
    if (weights.length !== patchVox) {
      throw new RangeError(`importance map has ${weights.length} values but the patch ${patchSize.join('×')} has ${patchVox}`);
    }
    this.shape = shape;
    this.chunkShape = chunkShape;
    this.channels = options.channels;
    this.patchSize = patchSize;
    this.shared = Boolean(options.shared);
    this.counts = chunkCounts(shape, chunkShape);
    this.perAxis = patchesPerChunkAxis(options.positions, patchSize, shape, chunkShape);
    this.positionSets = options.positions.map((p) => new Set(p));
  }

  /** How many patches of the set touch chunk `index` (0: the chunk stays no-data). */
  expectedPatches(index: readonly number[]): number {
    return this.perAxis[0]![index[0]!]! * this.perAxis[1]![index[1]!]! * this.perAxis[2]![index[2]!]!;
  }

  get openBytes(): number {
    return this.openBytesNow;
  }

  get openChunks(): number {
    return this.open.size;
  }

  /**
   * Counts one patch at `start` against every chunk it touches, opening chunks as needed, and calls
   * `visit(chunk, last)` for each; `last` is true when this was the chunk's final patch (the caller
   * then finishes the chunk and calls `close`).
   */
  touch(start: readonly number[], visit: (chunk: OpenChunk, last: boolean) => void): void {
    if (!this.positionSets.every((set, a) => set.has(start[a]!))) {
      throw new RangeError(`patch at ${start.join(',')} is not part of the accumulator's patch set`);
    }
    const ranges = touchedChunkRange(start, this.patchSize, this.shape, this.chunkShape);
    if (!ranges) return;
    forEachChunk(ranges, (index) => {
      const key = chunkLinearIndex(index, this.counts);
      let chunk = this.open.get(key);
      if (!chunk) {
        chunk = this.openChunk(index, key, this.expectedPatches(index));
        this.open.set(key, chunk);
      }
      chunk.remaining--;
      if (chunk.remaining < 0) {
        throw new RangeError(`chunk ${index.join(',')} received more patches than the grid has; was a patch added twice?`);
      }
      visit(chunk, chunk.remaining === 0);
    });
  }

  /** Forgets a finished chunk and returns it as complete. */
  close(chunk: OpenChunk): AccumulatedChunk {
    this.open.delete(chunk.key);
    chunk.complete = chunk.remaining === 0;
    return this.release(chunk);
  }

  /** Hands back every chunk still open (partial sums) and forgets them. */
  drain(): AccumulatedChunk[] {
    const out = [...this.open.values()].map((c) => this.release(c));
    this.open.clear();
    return out;
  }

  private openChunk(index: number[], key: number, expected: number): OpenChunk {
    const box = chunkBox(index, this.shape, this.chunkShape);
    const shape = box.stop.map((s, a) => s - box.start[a]!);
    const vox = shape[0]! * shape[1]! * shape[2]!;
    this.openBytesNow += vox * (this.channels + 1) * 4;
    this.peakOpenBytes = Math.max(this.peakOpenBytes, this.openBytesNow);
    const alloc = (n: number) => (this.shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n));
    return {
      index,
      key,
      start: box.start,
      shape,
      sum: alloc(vox * this.channels),
      weight: alloc(vox),
      complete: false,
      contributions: 0,
      counted: 0,
      remaining: expected,
      expected,
    };
  }

  private release(chunk: OpenChunk): AccumulatedChunk {
    this.openBytesNow -= chunk.weight.length * (this.channels + 1) * 4;
    const { remaining, key: _key, ...out } = chunk;
    return { ...out, counted: chunk.expected - remaining };
  }
}
