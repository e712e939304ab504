/**
 * The edge between a command and the shell: run it, turn any error into one line on stderr naming what
 * failed, and exit non-zero. Stack traces only with --verbose or VOXELFLOW_DEBUG=1.
 */

/** Exit code of a failure of the work (unreadable input, model error, conflicting output…). */
export const EXIT_FAILURE = 1;
/** Exit code of bad usage: unknown or invalid flags, missing arguments. */
export const EXIT_USAGE = 2;

/** The one line shown for an error: its message, first line only. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || (error instanceof Error ? error.name : 'unknown error');
}

/**
 * Runs `main`; on error prints `<program>: <one line>` to stderr and sets a non-zero exit code.
 * Returns the exit code (0 on success) without calling process.exit, so pending writes finish.
 */
export async function runCommand(program: string, main: () => Promise<void>, verbose = false): Promise<number> {
  try {
    await main();
    return 0;
  } catch (error) {
    process.stderr.write(`${program}: ${errorLine(error)}\n`);
    if ((verbose || process.env['VOXELFLOW_DEBUG'] === '1') && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    const code = (error as { exitCode?: number }).exitCode ?? EXIT_FAILURE;
    process.exitCode = code;
    return code;
  }
}
