/**
 * Where predicted patch logits go. `predict` stores them per part (the Vesuvius logits_part contract);
 * the fused pipeline hands them straight to an Accumulator. The predict loop does not care which.
 */
export interface PatchResult {
  /** Global patch index in the grid. */
  index: number;
  /** Patch start in volume coordinates (may be negative on centre-padded axes). */
  start: number[];
  /** Logits [C, ...patchSize], float32; null for a patch skipped as empty (its input is homogeneous). */
  logits: Float32Array | null;
}

/** Where the predict loop hands its results: a logits part writer or the fused Accumulator. */
export interface PatchSink {
  /** Patches already done by an earlier run (resume); the loop neither reads nor runs them. */
  completed?(): Promise<ReadonlySet<number>>;
  /**
   * Takes one batch of results. The loop writes a batch while the model runs the next one; the logits
   * buffers are reused once both have finished, so a sink that keeps them past its promise must copy.
   */
  write(results: readonly PatchResult[]): Promise<void>;
  /** Called once after the last batch (and not on failure). */
  close(): Promise<void>;
}
