/**
 * `voxelflow-pick`: segment | localize | evaluate on copick projects, with octopi's flags. `main`
 * parses argv and runs one command; errors become one line on stderr and a non-zero exit code
 * (2 for usage errors).
 */
import { errorLine } from '@voxelflow/cli-kit';
import yargs from 'yargs';
import { evaluateCommand } from './commands/evaluate';
import { localizeCommand } from './commands/localize';
import { segmentCommand } from './commands/segment';

/** This CLI's version. */
export const VERSION = '0.1.0';

/** Runs `voxelflow-pick` with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('voxelflow-pick')
    .command(segmentCommand as never)
    .command(localizeCommand as never)
    .command(evaluateCommand as never)
    .option('verbose', { type: 'boolean', default: false, describe: 'print stack traces with errors (or VOXELFLOW_DEBUG=1)' })
    .demandCommand(1, 'name a command: segment, localize or evaluate')
    .strict()
    .version(VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => {
      // Validation messages from yargs (msg) are usage errors; errors thrown by a command carry their own code.
      if (err) throw err;
      throw Object.assign(new Error(msg), { exitCode: 2 });
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    const verbose = argv.includes('--verbose') || process.env['VOXELFLOW_DEBUG'] === '1';
    process.stderr.write(`voxelflow-pick: ${errorLine(error)}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    code = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return code;
}
