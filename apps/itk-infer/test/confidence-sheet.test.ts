import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfidences, writeConfidences } from '../src/confidence-sheet';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'itk-infer-sheet-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('confidences.xlsx', () => {
  it('round-trips rows in order, in the sheet "Confidences"', async () => {
    const path = join(dir, 'c.xlsx');
    expect((await readConfidences(path)).size).toBe(0);
    await writeConfidences(path, new Map([['b.mha', 0.25], ['a.nii.gz', 0.875]]));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const sheet = wb.getWorksheet('Confidences')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'file', 'Confidence']);
    expect(sheet.getRow(3).values).toEqual([undefined, 'a.nii.gz', 0.875]);
    expect([...(await readConfidences(path))]).toEqual([['b.mha', 0.25], ['a.nii.gz', 0.875]]);
  });

  it('reads a sheet written by itk_infer (pandas: empty index header, column "Confidence")', async () => {
    const path = join(dir, 'pandas.xlsx');
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Confidences');
    sheet.addRow([null, 'Confidence']);
    sheet.addRow(['case1.nii', 0.5]);
    await wb.xlsx.writeFile(path);
    expect([...(await readConfidences(path))]).toEqual([['case1.nii', 0.5]]);
  });

  it('refuses to overwrite a file it cannot read', async () => {
    const path = join(dir, 'bad.xlsx');
    await writeFile(path, 'not a workbook');
    await expect(readConfidences(path)).rejects.toThrow(/cannot read .*bad\.xlsx .*move it away or delete it/);
  });
});
