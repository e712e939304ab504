/** An error in how the command was called (flags, arguments): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/**
 * Some runs failed; each failure was already reported on its own line. Its message is the summary
 * line the CLI prints last; exit code 1.
 */
export class RunFailuresError extends Error {
  override name = 'RunFailuresError';
  readonly exitCode = 1;

  constructor(
    /** What was being done ('segment', 'localize', 'evaluate'). */
    readonly command: string,
    /** The runs that failed. */
    readonly failed: readonly string[],
    /** Runs attempted in total. */
    readonly total: number,
    /** Replaces the default summary (e.g. for GPU processes). */
    summary?: string,
  ) {
    super(summary ?? `${command}: ${failed.length} of ${total} run${total === 1 ? '' : 's'} failed (${failed.join(', ')}); see the lines above`);
  }
}
