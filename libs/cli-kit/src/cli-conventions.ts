/**
 * The conventions every VoxelFlow command line shares, applied to a yargs parser in one place:
 * unknown flags are errors, --help and --version work, the process is never exited from inside yargs,
 * and yargs' own validation messages become usage errors (exit code 2).
 */
import type { Argv } from 'yargs';
import { EXIT_USAGE } from './run-command';

/** Returns `parser` with the shared conventions applied; `version` is what --version prints. */
export function withCliConventions<T>(parser: Argv<T>, version: string): Argv<T> {
  return parser
    .strict()
    .version(version)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => {
      // A command's own error keeps its code; a message from yargs is about the flags.
      if (err) throw err;
      throw Object.assign(new Error(msg), { exitCode: EXIT_USAGE });
    });
}
