import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoInputFilesError, UsageError } from '../src/errors';
import { baseNameOf, checkLogitsNames, isDone, listInputFiles, logitsZarrName } from '../src/input-files';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itk-infer-files-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('input files', () => {
  it('lists .nii.gz, .nii, .mha and .nrrd files, sorted, not recursing', async () => {
    const input = join(dir, 'in');
    await mkdir(join(input, 'sub'), { recursive: true });
    for (const f of ['b.mha', 'a.nii.gz', 'c.NII', 'd.nrrd', 'e.txt', 'f.gz', 'sub/g.mha']) await writeFile(join(input, f), '');
    expect(await listInputFiles(input)).toEqual(['a.nii.gz', 'b.mha', 'c.NII', 'd.nrrd']);
  });

  it('reports an empty folder and a missing one', async () => {
    await mkdir(join(dir, 'empty'));
    await expect(listInputFiles(join(dir, 'empty'))).rejects.toThrow(NoInputFilesError);
    await expect(listInputFiles(join(dir, 'empty'))).rejects.toThrow(/^No input files found in /);
    await expect(listInputFiles(join(dir, 'nope'))).rejects.toThrow(UsageError);
  });

  it('names logits Zarrs without the image extension and refuses collisions', () => {
    expect(baseNameOf('ct.nii.gz')).toBe('ct');
    expect(logitsZarrName('scan.v2.mha')).toBe('scan.v2.zarr');
    expect(() => checkLogitsNames(['ct.mha', 'ct.nii.gz'])).toThrow(/ct\.mha and ct\.nii\.gz would both write ct\.zarr/);
    expect(() => checkLogitsNames(['a.mha', 'b.nii.gz'])).not.toThrow();
  });

  it('counts a file as done only when every requested output exists', async () => {
    const out = join(dir, 'out');
    await mkdir(join(out, 'a.zarr'), { recursive: true });
    await writeFile(join(out, 'a.mha'), '');
    expect(isDone('a.mha', { outputDir: out, saveLogits: false })).toBe(true);
    expect(isDone('b.mha', { outputDir: out, saveLogits: false })).toBe(false);
    expect(isDone('a.mha', { outputDir: out, saveLogits: true })).toBe(false); // no zarr.json: unfinished
    await writeFile(join(out, 'a.zarr', 'zarr.json'), '{}');
    expect(isDone('a.mha', { outputDir: out, saveLogits: true })).toBe(true);
    expect(isDone('a.mha', { outputDir: out, saveLogits: true, confidenceRows: new Set() })).toBe(false);
    expect(isDone('a.mha', { outputDir: out, saveLogits: true, confidenceRows: new Set(['a.mha']) })).toBe(true);
  });
});
