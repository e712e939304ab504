/**
 * MANIFEST.json: every file's sha256 and size, plus the `datasets` facts tests use as expected
 * values.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** One file of the test data. */
export interface FileEntry {
  sha256: string;
  bytes: number;
}

/** Name of the manifest file at the root of test-data/. */
export const MANIFEST_NAME = 'MANIFEST.json';

/** Hashes every file under `root` except the manifest itself; keys are '/'-separated relative paths, sorted. */
export async function hashTree(root: string): Promise<Record<string, FileEntry>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => p !== MANIFEST_NAME)
    .sort();
  const out: Record<string, FileEntry> = {};
  for (const path of files) {
    const bytes = await readFile(join(root, path));
    out[path] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  }
  return out;
}
