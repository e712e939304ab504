/**
 * `voxelflow`: predict | blend | finalize | pipeline. `main` parses argv and runs one command; errors
 * become one line on stderr and a non-zero exit code (2 for usage errors).
 */
import { errorLine } from '@voxelflow/cli-kit';
import yargs from 'yargs';
import { blendCommand } from './commands/blend';
import { finalizeCommand } from './commands/finalize';
import { pipelineCommand } from './commands/pipeline';
import { predictCommand } from './commands/predict';

export const VERSION = '0.1.0';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('voxelflow')
    .command(predictCommand as never)
    .command(blendCommand as never)
    .command(finalizeCommand as never)
    .command(pipelineCommand as never)
    .demandCommand(1, 'name a command: predict, blend, finalize or pipeline')
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
    process.stderr.write(`voxelflow: ${errorLine(error)}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    code = (error as { exitCode?: number }).exitCode ?? 1;
  }
  return code;
}
