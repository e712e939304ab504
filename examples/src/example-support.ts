/**
 * The few lines every example shares: where the repository's test data is, whether a module was
 * started as a script, and a progress printer.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProgressEvent } from '@voxelflow/inference';

/** A file of the repository's `test-data/` folder, found from this module (src/ or a copy elsewhere). */
export function testData(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'test-data', 'MANIFEST.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`test-data/ not found above ${fileURLToPath(import.meta.url)}; run the examples from the VoxelFlow repository`);
    dir = up;
  }
  return join(dir, 'test-data', relative);
}

/** True when the module at `moduleUrl` is the script Node was started with (not imported by a test). */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(resolve(script)).href === moduleUrl;
}

/** Prints a progress event as one line (the engine already throttles events to a few per second). */
export function logProgress(log: (line: string) => void, e: ProgressEvent): void {
  const eta = e.etaSeconds === undefined ? '?' : `${e.etaSeconds.toFixed(0)} s`;
  log(`${e.phase} ${e.done}/${e.total} ${e.unit} (${e.skipped} skipped), ${e.rate.toFixed(1)} ${e.unit}/s, ETA ${eta}`);
}
