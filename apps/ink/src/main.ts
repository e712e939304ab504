/**
 * `voxelflow-ink`: reads the configuration (environment, flags win), runs it, and turns any error into
 * one line on stderr and a non-zero exit code (2 for configuration mistakes, 1 for failed work).
 */
import { errorLine } from '@voxelflow/cli-kit';
import { parseInkConfig } from './config';
import { runInk } from './run-ink';

/** Runs the app with `argv` (without `node script`) and `env`; returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const parsed = await parseInkConfig(argv, env);
    if ('printed' in parsed) return 0;
    await runInk(parsed.config);
    return 0;
  } catch (error) {
    process.stderr.write(`voxelflow-ink: ${errorLine(error)}\n`);
    if ((argv.includes('--verbose') || env['VOXELFLOW_DEBUG'] === '1') && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
}
