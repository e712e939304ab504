/** Runs the `voxelflow` CLI as a real child process and collects its output (see cli-kit's runAppProcess). */
import { fileURLToPath } from 'node:url';
import { runAppProcess, type AppRun } from '@voxelflow/cli-kit';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const testData = (p: string) => fileURLToPath(new URL(`../../../test-data/${p}`, import.meta.url));
const appDir = fileURLToPath(new URL('..', import.meta.url));

export type CliRun = AppRun;

export function runCli(args: string[], env: Record<string, string> = {}, cwd = repoRoot): Promise<CliRun> {
  return runAppProcess(appDir, args, env, cwd);
}
