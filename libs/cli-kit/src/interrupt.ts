/**
 * Ctrl-C and a scheduler's SIGTERM become an AbortSignal: the running command stops at its next
 * checkpoint, saves what it finished, and exits with a one-line "cancelled" message instead of dying
 * halfway through a write.
 */

/** Runs `fn` with a signal that aborts on SIGINT or SIGTERM; the handlers are removed afterwards. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
