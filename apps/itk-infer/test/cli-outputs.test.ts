/**
 * End to end through the real CLI: three images of different shapes, formats and orientations (one
 * smaller than the patch) through the analytic model, checked voxel by voxel in world space against
 * the windowed input, then resumed, partially redone, and redone on two processes.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Geometry } from '@voxelflow/volume-io';
import { ANALYTIC, TEST_DATA, huVoxels, indexOf, readImage, runCli, worldOf, writeImage, type CliResult } from './helpers';

const WL = 40;
const WW = 400;
/** itk_infer's window, in float64: (clip(x, L − W/2, L + W/2) − (L − W/2)) / W. */
const windowed = (x: number): number => (Math.min(Math.max(x, WL - WW / 2), WL + WW / 2) - (WL - WW / 2)) / WW;

const deg = (20 * Math.PI) / 180;
/** Axes permuted and every one reversed relative to LPI. */
const PERMUTED: Geometry = { spacing: [0.7, 0.9, 1.5], origin: [10, -20, 35], direction: [0, 0, -1, -1, 0, 0, 0, 1, 0] };
/** Oblique: 20° about z, then y reversed. */
const OBLIQUE: Geometry = {
  spacing: [1.1, 0.6, 2.5],
  origin: [-5, 7.5, -12],
  direction: [Math.cos(deg), Math.sin(deg), 0, Math.sin(deg), -Math.cos(deg), 0, 0, 0, 1],
};

const FILES = ['a_ct.nii.gz', 'b_permuted.mha', 'c_small.nrrd'] as const;

/** A zarrita store over a local folder (keys are absolute: "/zarr.json"). */
function folderStore(root: string) {
  return {
    async get(key: string): Promise<Uint8Array | undefined> {
      try {
        return new Uint8Array(await readFile(join(root, key)));
      } catch {
        return undefined;
      }
    },
  };
}

async function readSheet(path: string): Promise<{ sheetName: string; header: unknown[]; rows: Map<string, number> }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const sheet = wb.worksheets[0]!;
  const rows = new Map<string, number>();
  sheet.eachRow((row, n) => {
    if (n > 1) rows.set(String(row.getCell(1).value), Number(row.getCell(2).value));
  });
  return { sheetName: sheet.name, header: [sheet.getRow(1).getCell(1).value, sheet.getRow(1).getCell(2).value], rows };
}

/** Expected confidence from the input voxels alone: logits ±(2w − 1), softmax, 1 − H / ln 2, mean. */
function expectedConfidence(data: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const l1 = 2 * windowed(data[i]!) - 1;
    const p1 = 1 / (1 + Math.exp(-2 * l1));
    const p0 = 1 - p1;
    const h = -(p0 * Math.log(p0 + 1e-8) + p1 * Math.log(p1 + 1e-8));
    sum += 1 - h / Math.log(2);
  }
  return sum / data.length;
}

let dir: string;
let input: string;
let out: string;
let first: CliResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itk-infer-e2e-'));
  input = join(dir, 'in');
  out = join(dir, 'out');
  await mkdir(input);
  await copyFile(join(TEST_DATA, 'volumes', 'ct.nii.gz'), join(input, FILES[0]));
  await writeImage(join(input, FILES[1]), [24, 40, 36], PERMUTED, huVoxels(24 * 40 * 36, 1));
  // Smaller than the 32³ patch on z and y, two windows along x.
  await writeImage(join(input, FILES[2]), [12, 20, 40], OBLIQUE, huVoxels(12 * 20 * 40, 2));
  first = await runCli(['-i', input, '-o', out, '--backend', 'onnx', '--onnx', ANALYTIC, '--wl', String(WL), '--ww', String(WW), '--save-logits', '--save-conf']);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('itk-infer on a folder of three images', () => {
  it('segments all three', () => {
    expect(first.stderr).not.toMatch(/itk-infer: .*(error|cannot)/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('3 segmented, 0 skipped, 0 failed');
  });

  it('writes masks equal to the windowed threshold, voxel for voxel in world space, reoriented to LPI', async () => {
    for (const file of FILES) {
      const src = await readImage(join(input, file));
      const seg = await readImage(join(out, file));
      expect(seg.data).toBeInstanceOf(Uint8Array);
      const [Z, Y, X] = seg.shape as [number, number, number];
      expect(Z * Y * X).toBe(src.data.length);
      const [sz, sy, sx] = src.shape as [number, number, number];
      let ones = 0;
      let mismatches = 0;
      let offGrid = 0;
      for (let z = 0; z < Z; z++) {
        for (let y = 0; y < Y; y++) {
          for (let x = 0; x < X; x++) {
            const [iz, iy, ix] = indexOf(src.geometry, worldOf(seg.geometry, z, y, x));
            const [rz, ry, rx] = [Math.round(iz), Math.round(iy), Math.round(ix)];
            // Every output voxel centre must land on an input voxel centre inside the input.
            if (Math.abs(iz - rz) + Math.abs(iy - ry) + Math.abs(ix - rx) > 1e-6 || !(rz >= 0 && rz < sz && ry >= 0 && ry < sy && rx >= 0 && rx < sx)) {
              offGrid++;
              continue;
            }
            const v = src.data[(rz * sy + ry) * sx + rx]!;
            const want = windowed(v) > 0.5 ? 1 : 0;
            const got = seg.data[(z * Y + y) * X + x]!;
            if (got !== want) mismatches++;
            ones += got;
          }
        }
      }
      expect(offGrid, file).toBe(0);
      expect(mismatches, file).toBe(0);
      expect(ones, file).toBeGreaterThan(0);
      expect(ones, file).toBeLessThan(Z * Y * X);
    }
  });

  it('gives every output an LPI direction: index i → Left (+x), j → Posterior (+y), k → Inferior (−z)', async () => {
    for (const file of FILES) {
      const g = (await readImage(join(out, file))).geometry;
      for (let c = 0; c < 3; c++) {
        const col = [g.direction[c]!, g.direction[3 + c]!, g.direction[6 + c]!];
        const dominant = col.map(Math.abs).indexOf(Math.max(...col.map(Math.abs)));
        expect(dominant, `${file} column ${c}`).toBe(c);
        expect(Math.sign(col[c]!), `${file} column ${c}`).toBe(c === 2 ? -1 : 1);
      }
    }
  });

  it('copies the geometry: unchanged for an LPI input, permuted and flipped otherwise', async () => {
    const ct = await readImage(join(input, FILES[0]));
    const ctOut = await readImage(join(out, FILES[0]));
    expect(ctOut.shape).toEqual(ct.shape); // ct is already LPI (direction diag(1, 1, −1))
    expect(ctOut.geometry.spacing).toEqual(ct.geometry.spacing);
    ctOut.geometry.origin.forEach((v, i) => expect(v).toBeCloseTo(ct.geometry.origin[i]!, 4));
    ctOut.geometry.direction.forEach((v, i) => expect(v).toBeCloseTo(ct.geometry.direction[i]!, 6));

    // PERMUTED, by hand: new x = old z reversed, new y = old x reversed, new z = old y reversed.
    const b = await readImage(join(out, FILES[1]));
    expect(b.shape).toEqual([40, 36, 24]);
    b.geometry.spacing.forEach((v, i) => expect(v).toBeCloseTo([1.5, 0.7, 0.9][i]!, 5));
    b.geometry.direction.forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, -1][i]!, 6));
    // Its origin is the input's far corner: old index (z, y, x) = (23, 39, 35).
    const corner = worldOf(PERMUTED, 23, 39, 35);
    b.geometry.origin.forEach((v, i) => expect(v).toBeCloseTo(corner[i]!, 4));

    // OBLIQUE: each output column is ± an input column with its spacing.
    const c = await readImage(join(out, FILES[2]));
    for (let a = 0; a < 3; a++) {
      const col = [0, 1, 2].map((r) => c.geometry.direction[r * 3 + a]!);
      const match = [0, 1, 2].find((m) => [1, -1].some((s) => [0, 1, 2].every((r) => Math.abs(s * OBLIQUE.direction[r * 3 + m]! - col[r]!) < 1e-6)));
      expect(match, `axis ${a}`).toBeDefined();
      expect(c.geometry.spacing[a]).toBeCloseTo(OBLIQUE.spacing[match!]!, 5);
    }
  });

  it('writes float16 logits (C, Z, Y, X) with Blosc-LZ4, in the segmentation’s LPI order', async () => {
    const g = globalThis as { Float16Array?: unknown };
    g.Float16Array ??= (await import('@petamoriken/float16')).Float16Array;
    for (const file of FILES) {
      const name = file.replace(/\.(nii\.gz|mha|nrrd)$/, '.zarr');
      const meta = JSON.parse(await readFile(join(out, name, 'zarr.json'), 'utf8'));
      expect(meta.data_type).toBe('float16');
      expect(JSON.stringify(meta.codecs)).toMatch(/"name":"blosc".*"cname":"lz4"/);
      const arr = await zarr.open(folderStore(join(out, name)), { kind: 'array' });
      const { data, shape } = await zarr.get(arr);
      const seg = await readImage(join(out, file));
      const src = await readImage(join(input, file));
      expect(shape).toEqual([2, ...seg.shape]);
      const n = seg.data.length;
      const [, Y, X] = seg.shape as [number, number, number];
      const [, sy, sx] = src.shape as [number, number, number];
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const z = Math.floor(i / (Y * X));
        const y = Math.floor(i / X) % Y;
        const x = i % X;
        const [iz, iy, ix] = indexOf(src.geometry, worldOf(seg.geometry, z, y, x)).map(Math.round) as [number, number, number];
        const w = windowed(src.data[(iz * sy + iy) * sx + ix]!);
        const l0 = Number((data as ArrayLike<number>)[i]);
        const l1 = Number((data as ArrayLike<number>)[n + i]);
        worst = Math.max(worst, Math.abs(l0 - (1 - 2 * w)), Math.abs(l1 - (2 * w - 1)));
      }
      expect(worst, file).toBeLessThan(1e-3); // float16 resolution near ±1
    }
  });

  it('writes confidences.xlsx with one row per file, checked against the input intensities', async () => {
    const sheet = await readSheet(join(out, 'confidences.xlsx'));
    expect(sheet.sheetName).toBe('Confidences');
    expect(sheet.header).toEqual(['file', 'Confidence']);
    expect([...sheet.rows.keys()]).toEqual([...FILES]);
    for (const file of FILES) {
      const src = await readImage(join(input, file));
      expect(sheet.rows.get(file)!, file).toBeCloseTo(expectedConfidence(src.data), 5);
    }
  });

  it('skips all three on a second run, says so, and leaves the outputs alone', async () => {
    const before = await Promise.all(FILES.map((f) => stat(join(out, f)).then((s) => s.mtimeMs)));
    const again = await runCli(['-i', input, '-o', out, '--onnx', ANALYTIC, '--wl', String(WL), '--ww', String(WW), '--save-logits', '--save-conf']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 segmented, 3 skipped, 0 failed');
    for (const file of FILES) expect(again.stderr).toContain(`${file}: skipped`);
    const after = await Promise.all(FILES.map((f) => stat(join(out, f)).then((s) => s.mtimeMs)));
    expect(after).toEqual(before);
  }, 30_000);

  it('redoes only a missing output and keeps the earlier rows of confidences.xlsx', async () => {
    const earlier = (await readSheet(join(out, 'confidences.xlsx'))).rows;
    await rm(join(out, FILES[1]));
    const resumed = await runCli(['-i', input, '-o', out, '--onnx', ANALYTIC, '--wl', String(WL), '--ww', String(WW), '--save-logits', '--save-conf']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('1 segmented, 2 skipped, 0 failed');
    const rows = (await readSheet(join(out, 'confidences.xlsx'))).rows;
    expect([...rows.keys()]).toEqual([...FILES]);
    for (const file of FILES) expect(rows.get(file)).toBeCloseTo(earlier.get(file)!, 12);
  }, 30_000);

  it('gives the same outputs with --num-proc 2', async () => {
    const out2 = join(dir, 'out-2proc');
    const two = await runCli(['-i', input, '-o', out2, '--onnx', ANALYTIC, '--wl', String(WL), '--ww', String(WW), '--save-logits', '--save-conf', '--num-proc', '2']);
    expect(two.stderr).not.toMatch(/itk-infer: .*(error|cannot|failed)/i);
    expect(two.code).toBe(0);
    expect(two.stdout).toContain('3 segmented, 0 skipped, 0 failed');
    for (const file of FILES) {
      const a = await readImage(join(out, file));
      const b = await readImage(join(out2, file));
      expect(b.shape).toEqual(a.shape);
      expect(b.geometry).toEqual(a.geometry);
      expect(Buffer.from(b.data as Uint8Array).equals(Buffer.from(a.data as Uint8Array))).toBe(true);
      const name = file.replace(/\.(nii\.gz|mha|nrrd)$/, '.zarr');
      const za = await zarr.get(await zarr.open(folderStore(join(out, name)), { kind: 'array' }));
      const zb = await zarr.get(await zarr.open(folderStore(join(out2, name)), { kind: 'array' }));
      expect(Array.from(zb.data as ArrayLike<number>)).toEqual(Array.from(za.data as ArrayLike<number>));
    }
    const one = (await readSheet(join(out, 'confidences.xlsx'))).rows;
    const twoRows = (await readSheet(join(out2, 'confidences.xlsx'))).rows;
    expect([...twoRows.keys()].sort()).toEqual([...FILES]);
    for (const file of FILES) expect(twoRows.get(file)).toBe(one.get(file));
  }, 60_000);
});
