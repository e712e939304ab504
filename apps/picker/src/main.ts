/**
 * `voxelflow-pick`: segment | localize | evaluate on copick projects, with octopi's flags. `main`
 * parses argv and runs one command; errors become one line on stderr and a non-zero exit code
 * (2 for usage errors).
 */
import { runCommand, withCliConventions } from '@voxelflow/cli-kit';
import yargs from 'yargs';
import { evaluateCommand } from './commands/evaluate';
import { localizeCommand } from './commands/localize';
import { segmentCommand } from './commands/segment';

/** This CLI's version. */
export const VERSION = '0.1.0';

/** Runs `voxelflow-pick` with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const parser = withCliConventions(
    yargs(argv)
      .scriptName('voxelflow-pick')
      .command(segmentCommand as never)
      .command(localizeCommand as never)
      .command(evaluateCommand as never)
      .option('verbose', { type: 'boolean', default: false, describe: 'print stack traces with errors (or VOXELFLOW_DEBUG=1)' })
      .demandCommand(1, 'name a command: segment, localize or evaluate'),
    VERSION,
  );
  const verbose = argv.includes('--verbose') || process.env['VOXELFLOW_DEBUG'] === '1';
  return runCommand('voxelflow-pick', async () => {
    await parser.parseAsync();
  }, verbose);
}
