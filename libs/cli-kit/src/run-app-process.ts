/**
 * Runs one of the apps as a real child process, the way tests exercise the command lines: the built
 * bin under `npm test` (it builds first and sets VOXELFLOW_TEST_DIST=1 — what users run, and no
 * TypeScript to compile in every child), otherwise the TypeScript source through tsx.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a finished process left behind. */
export interface AppRun {
  /** Exit code (-1 when killed by a signal). */
  code: number;
  /** Everything written to standard output. */
  stdout: string;
  /** Everything written to standard error. */
  stderr: string;
}

/** Node arguments that start the app in `appDir` (its src/cli.ts, or dist/cli.js under npm test). */
export function appEntry(appDir: string): string[] {
  if (process.env['VOXELFLOW_TEST_DIST'] === '1') return [join(appDir, 'dist', 'cli.js')];
  // tsx from this repository, whatever the child's working directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--conditions=@voxelflow/source', '--import', tsx, join(appDir, 'src', 'cli.ts')];
}

/** Runs the app in `appDir` with `args`, extra `env` and working directory `cwd`; collects its output. */
export function runAppProcess(appDir: string, args: string[], env: Record<string, string> = {}, cwd = appDir): Promise<AppRun> {
  mkdirSync(cwd, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...appEntry(appDir), ...args], {
      cwd,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
