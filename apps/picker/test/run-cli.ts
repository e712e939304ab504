/** Runs the `voxelflow-pick` CLI as a real child process and collects its output. */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const testData = (p: string) => fileURLToPath(new URL(`../../../test-data/${p}`, import.meta.url));
const cliSource = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const cliBuilt = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// tsx from this repo, whatever the child's working directory.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * How to start the CLI: the built bin under `npm test` (it builds first and sets VOXELFLOW_TEST_DIST=1;
 * what users run, and no TypeScript to compile in every child), else the source through tsx.
 */
export function cliEntry(): string[] {
  return process.env['VOXELFLOW_TEST_DIST'] === '1' ? [cliBuilt] : ['--conditions=@voxelflow/source', '--import', tsxLoader, cliSource];
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}, cwd = repoRoot): Promise<CliRun> {
  mkdirSync(cwd, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
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

/** The stderr lines that are errors (`voxelflow-pick: …`, possibly behind a `[gpu N]` prefix). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^(\[gpu \d+\] )?voxelflow-pick: /.test(l));
}
