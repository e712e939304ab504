/**
 * `voxelflow`: predict | blend | finalize | pipeline. `main` parses argv and runs one command; errors
 * become one line on stderr and a non-zero exit code (2 for usage errors).
 */
import { runCommand, withCliConventions } from '@voxelflow/cli-kit';
import yargs from 'yargs';
import { blendCommand } from './commands/blend';
import { finalizeCommand } from './commands/finalize';
import { pipelineCommand } from './commands/pipeline';
import { predictCommand } from './commands/predict';

export const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  const parser = withCliConventions(
    yargs(argv)
      .scriptName('voxelflow')
      .command(predictCommand as never)
      .command(blendCommand as never)
      .command(finalizeCommand as never)
      .command(pipelineCommand as never)
      .demandCommand(1, 'name a command: predict, blend, finalize or pipeline'),
    VERSION,
  );
  const verbose = argv.includes('--verbose') || process.env['VOXELFLOW_DEBUG'] === '1';
  return runCommand('voxelflow', async () => {
    await parser.parseAsync();
  }, verbose);
}
