/**
 * Regenerating test-data gives the committed bytes, and the manifest lists exactly the committed
 * files with their true hashes and sizes.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashTree } from '../src/manifest';
import { makeTestData } from '../src/make-test-data';
import { manifest, sha256, TEST_DATA } from './helpers';

const temp = await mkdtemp(join(tmpdir(), 'voxelflow-test-data-'));
afterAll(() => rm(temp, { recursive: true, force: true }));

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

describe('test-data', () => {
  it('lists exactly the committed files, with their true sha256 and size, within 20 MB', async () => {
    const files = await listFiles(TEST_DATA);
    expect(files).toEqual([...Object.keys(manifest.files), 'MANIFEST.json'].sort());
    const actual = await hashTree(TEST_DATA);
    expect(actual).toEqual(manifest.files);
    expect(manifest.totalBytes).toBe(Object.values(actual).reduce((a, f) => a + f.bytes, 0));
    expect(manifest.totalBytes).toBeLessThan(20 * 1024 * 1024);
  });

  it('regenerates to the same bytes', async () => {
    const out = join(temp, 'test-data');
    const regenerated = await makeTestData({ outDir: out });
    const differing = Object.keys(manifest.files).filter((f) => regenerated.files[f]?.sha256 !== manifest.files[f].sha256);
    expect(differing).toEqual([]);
    expect(Object.keys(regenerated.files)).toEqual(Object.keys(manifest.files));
    const [a, b] = await Promise.all([readFile(join(out, 'MANIFEST.json')), readFile(join(TEST_DATA, 'MANIFEST.json'))]);
    expect(sha256(a)).toBe(sha256(b));
  });
});
