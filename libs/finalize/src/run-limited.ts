/**
 * Runs async work over a (lazy) sequence with at most `limit` items in flight, stopping early when
 * `signal` aborts. In-flight items always settle before it returns or throws, so callers can record
 * progress consistently afterwards.
 */

/**
 * Calls `fn(item, slot)` for each item of `items` (`slot` ∈ [0, limit) is unique among running
 * calls, for per-slot buffers). Rejects with the first error, or with `signal.reason` when aborted.
 */
export async function runLimited<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T, slot: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const it = items[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const worker = async (slot: number): Promise<void> => {
    for (;;) {
      if (failure || signal?.aborted) return;
      const next = it.next();
      if (next.done) return;
      try {
        await fn(next.value, slot);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, (_, slot) => worker(slot)));
  if (failure) throw failure.error;
  signal?.throwIfAborted();
}
