/**
 * The CLI's one-line errors, through the real process: an unreadable file among good ones (the good
 * ones still finish, the exit code says something failed), an empty folder, a model without a window,
 * a model with two input channels, --backend mmengine; and the window and stride read from metadata.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Geometry } from '@voxelflow/volume-io';
import { ANALYTIC, huVoxels, identityModel, readImage, runCli, withMetadata, writeImage } from './helpers';

const GEOMETRY: Geometry = { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] };

/** Lines of stderr that are error reports (not progress). */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('itk-infer: '));

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itk-infer-errors-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('itk-infer errors', () => {
  it('reports an unreadable file in one line and still segments the good ones (two processes)', async () => {
    const input = join(dir, 'mixed');
    const out = join(dir, 'mixed-out');
    await mkdir(input);
    await writeImage(join(input, 'good1.mha'), [10, 12, 14], GEOMETRY, huVoxels(10 * 12 * 14, 3));
    await writeImage(join(input, 'good2.nii.gz'), [8, 16, 9], GEOMETRY, huVoxels(8 * 16 * 9, 4));
    await writeFile(join(input, 'broken.nii.gz'), new Uint8Array(300).fill(7));
    const r = await runCli(['-i', input, '-o', out, '--onnx', ANALYTIC, '--wl', '40', '--ww', '400', '--num-proc', '2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 segmented, 0 skipped, 1 failed');
    const lines = r.stderr.split('\n').filter((l) => l.includes('broken.nii.gz'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^itk-infer: .*broken\.nii\.gz.*(gzip|read)/i);
    expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
    for (const f of ['good1.mha', 'good2.nii.gz']) expect((await readImage(join(out, f))).data.length).toBeGreaterThan(0);
  }, 30_000);

  it('says "No input files found" for an empty folder', async () => {
    const input = join(dir, 'empty');
    await mkdir(input);
    await writeFile(join(input, 'notes.txt'), 'not an image');
    const r = await runCli(['-i', input, '-o', join(dir, 'empty-out'), '--onnx', ANALYTIC, '--wl', '40', '--ww', '400']);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^itk-infer: No input files found in .*empty: expected \*\.nii\.gz, \*\.nii, \*\.mha, \*\.nrrd$/)]);
  }, 30_000);

  it('requires --wl/--ww when the model has no window metadata, naming the model', async () => {
    const input = join(dir, 'nowindow');
    await mkdir(input);
    await writeImage(join(input, 'x.mha'), [6, 6, 6], GEOMETRY, huVoxels(216, 5));
    const r = await runCli(['-i', input, '-o', join(dir, 'nowindow-out'), '--onnx', ANALYTIC]);
    expect(r.code).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('requires --wl/--ww');
    expect(lines[0]).toContain('analytic3d.onnx');
  }, 30_000);

  it('reads the window and the stride from the ONNX metadata (window_level, window_width, inference_config)', async () => {
    const model = join(dir, 'windowed.onnx');
    const bytes = new Uint8Array(await readFile(ANALYTIC));
    await writeFile(model, withMetadata(bytes, { window_level: '40', window_width: '400', inference_config: JSON.stringify({ patch_stride: [8, 8, 8] }) }));
    const input = join(dir, 'meta');
    await mkdir(input);
    const data = huVoxels(10 * 10 * 60, 6);
    await writeImage(join(input, 'long.nrrd'), [10, 10, 60], GEOMETRY, data);
    const r = await runCli(['-i', input, '-o', join(dir, 'meta-out'), '--onnx', model]);
    expect(r.code).toBe(0);
    // Patch 32 (the model card), stride 8 from inference_config: x has ceil((60 − 32) / 8) + 1 = 5 windows
    // (the default stride 16 would give 3).
    expect(r.stderr).toMatch(/long\.nrrd: segmented in .* \(5 windows, 2 classes\)/);
    const seg = await readImage(join(dir, 'meta-out', 'long.nrrd'));
    // Identity LPI direction here except z: z is already Inferior, so the voxel order is unchanged.
    expect(Array.from(seg.data)).toEqual(Array.from(data, (v) => (v > 40 ? 1 : 0)));
  }, 30_000);

  it('refuses a model with two input channels in one line', async () => {
    const model = join(dir, 'two-channels.onnx');
    await writeFile(model, identityModel(2));
    const input = join(dir, 'twoch');
    await mkdir(input);
    await writeImage(join(input, 'x.nii'), [6, 6, 6], GEOMETRY, huVoxels(216, 7));
    const r = await runCli(['-i', input, '-o', join(dir, 'twoch-out'), '--onnx', model, '--wl', '40', '--ww', '400', '--patch-size', '4', '4', '4']);
    expect(r.code).toBe(1);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/two-channels\.onnx expects 2 input channels .*one image channel/);
  }, 30_000);

  it('refuses to write into the input folder (the masks would replace the images)', async () => {
    const r = await runCli(['-i', dir, '-o', `${dir}/`, '--onnx', ANALYTIC, '--wl', '40', '--ww', '400']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/is the input folder: .*choose another output folder$/)]);
  }, 30_000);

  it('explains that --backend mmengine models must be exported to ONNX', async () => {
    const r = await runCli(['-i', dir, '-o', join(dir, 'mm-out'), '--backend', 'mmengine', '-cfg', 'config.py', '-ckpt', 'model.pth']);
    expect(r.code).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/MMEngine models run in Python; export the model to ONNX first/);
  }, 30_000);
});
