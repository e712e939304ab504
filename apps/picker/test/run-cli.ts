/** Runs the `voxelflow-pick` CLI as a real child process and collects its output (see cli-kit's runAppProcess). */
import { fileURLToPath } from 'node:url';
import { runAppProcess, type AppRun } from '@voxelflow/cli-kit';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const testData = (p: string) => fileURLToPath(new URL(`../../../test-data/${p}`, import.meta.url));
const appDir = fileURLToPath(new URL('..', import.meta.url));

export type CliRun = AppRun;

export function runCli(args: string[], env: Record<string, string> = {}, cwd = repoRoot): Promise<CliRun> {
  return runAppProcess(appDir, args, env, cwd);
}

/** The stderr lines that are errors (`voxelflow-pick: …`, possibly behind a `[gpu N]` prefix). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^(\[gpu \d+\] )?voxelflow-pick: /.test(l));
}
