/**
 * The predict loop: read → normalize → (TTA × ensemble) → sink, batch by batch, with the next batch's
 * reads and normalization running while the model works on the current one (ONNX Runtime runs off the
 * JavaScript thread, so the overlap is real). Two input buffers alternate; nothing is allocated per patch.
 */
import type { ModelRunner } from './model-runner';
import type { PatchResult, PatchSink } from './sink';
import { AbortedError } from './errors';
import type { ProgressTracker } from './progress';

/** A patch to process: its global index and start. */
export interface PatchRefLike {
  /** Global patch index in the grid. */
  index: number;
  /** Patch start in volume coordinates. */
  start: number[];
}

/** Options of {@link runPatchLoop}. */
export interface PatchLoopOptions {
  /** Patches in visit order. */
  patches: readonly PatchRefLike[];
  /**
   * Fills `dst` ([Cin, ...patch], float32, normalized, zero-padded) with the patch at `start`; returns
   * false when the patch is empty (homogeneous input) and need not run.
   */
  readPatch(start: readonly number[], dst: Float32Array): Promise<boolean>;
  /** Cheap pre-check that needs no read (e.g. every input chunk absent); true → empty. */
  isKnownEmpty?(start: readonly number[]): Promise<boolean> | boolean;
  /** Runs the batches through the models. */
  runner: ModelRunner;
  /** Patches per model call. */
  batchSize: number;
  /** Input values per patch: Cin × patch voxels. */
  inputVoxels: number;
  /** Receives each batch's logits (or null for empty patches). */
  sink: PatchSink;
  /** Advanced by each batch's patches. */
  progress?: ProgressTracker;
  /** Checked before each batch; an aborted signal stops the loop with an AbortedError. */
  signal?: AbortSignal;
}

/** What {@link runPatchLoop} did. */
export interface PatchLoopStats {
  /** Patches handed to the sink, empty ones included. */
  processed: number;
  /** Patches found empty (not run). */
  empty: number;
  /** Seconds the loop waited for reads that had not finished when the model was free. */
  readWaitSeconds: number;
  /** Seconds spent in sink.write (encoding, backpressure). */
  writeSeconds: number;
}

interface PreparedBatch {
  refs: PatchRefLike[];
  /** Per ref: true when non-empty, i.e. its input sits in `input` at its slot among the non-empty ones. */
  full: boolean[];
  input: Float32Array;
  nonEmpty: number;
}

/**
 * Runs `patches` through read → model → sink in batches, overlapping the next batch's reads and the
 * previous batch's writes with the current model call.
 */
export async function runPatchLoop(o: PatchLoopOptions): Promise<PatchLoopStats> {
  const { patches, batchSize, inputVoxels } = o;
  const buffers = [new Float32Array(batchSize * inputVoxels), new Float32Array(batchSize * inputVoxels)];
  const stats: PatchLoopStats = { processed: 0, empty: 0, readWaitSeconds: 0, writeSeconds: 0 };
  const checkAbort = () => {
    if (o.signal?.aborted) throw new AbortedError('cancelled; rerun the same command to resume where it stopped');
  };

  async function prepare(first: number, buffer: Float32Array): Promise<PreparedBatch> {
    const refs = patches.slice(first, first + batchSize) as PatchRefLike[];
    const known = await Promise.all(refs.map((r) => (o.isKnownEmpty ? o.isKnownEmpty(r.start) : false)));
    // Non-empty patches are packed to the front of the buffer in order, so the model sees one dense batch.
    const slots: number[] = [];
    let next = 0;
    for (let i = 0; i < refs.length; i++) slots.push(known[i] ? -1 : next++);
    const full = await Promise.all(
      refs.map((r, i) =>
        slots[i]! < 0 ? false : o.readPatch(r.start, buffer.subarray(slots[i]! * inputVoxels, (slots[i]! + 1) * inputVoxels)),
      ),
    );
    // Reading marked some patches empty: compact the survivors.
    let w = 0;
    for (let i = 0; i < refs.length; i++) {
      if (!full[i]) continue;
      const s = slots[i]!;
      if (s !== w) buffer.copyWithin(w * inputVoxels, s * inputVoxels, (s + 1) * inputVoxels);
      w++;
    }
    return { refs, full, input: buffer, nonEmpty: w };
  }

  // Three stages overlap: batch k+1 is read while the model runs batch k, and batch k−1's logits are
  // encoded and written during that run too (the runner keeps two output buffers for this).
  const writeBack = async (results: PatchResult[], patchCount: number, empty: number) => {
    const tw = performance.now();
    await o.sink.write(results);
    stats.writeSeconds += (performance.now() - tw) / 1000;
    stats.processed += patchCount;
    stats.empty += empty;
    o.progress?.advance(patchCount, empty);
  };
  let pending: Promise<PreparedBatch> | undefined = patches.length ? prepare(0, buffers[0]!) : undefined;
  let previous: { results: PatchResult[]; count: number; empty: number } | undefined;
  let flip = 0;
  for (let first = 0; pending; first += batchSize) {
    checkAbort();
    const t0 = performance.now();
    const batch = await pending;
    stats.readWaitSeconds += (performance.now() - t0) / 1000;
    flip ^= 1;
    const nextFirst = first + batchSize;
    pending = nextFirst < patches.length ? prepare(nextFirst, buffers[flip]!) : undefined;
    // Keep a rejected prefetch from surfacing as an unhandled rejection while we await the model.
    pending?.catch(() => undefined);

    const running = batch.nonEmpty > 0 ? o.runner.run(batch.input, batch.nonEmpty) : undefined;
    running?.catch(() => undefined);
    if (previous) await writeBack(previous.results, previous.count, previous.empty);
    const logits = await running;
    const outVox = batch.nonEmpty > 0 ? logits!.length / batch.nonEmpty : 0;
    const results: PatchResult[] = [];
    let k = 0;
    for (let i = 0; i < batch.refs.length; i++) {
      const r = batch.refs[i]!;
      if (batch.full[i]) {
        results.push({ index: r.index, start: r.start, logits: logits!.subarray(k * outVox, (k + 1) * outVox) });
        k++;
      } else {
        results.push({ index: r.index, start: r.start, logits: null });
      }
    }
    previous = { results, count: batch.refs.length, empty: batch.refs.length - batch.nonEmpty };
  }
  if (previous) await writeBack(previous.results, previous.count, previous.empty);
  return stats;
}
