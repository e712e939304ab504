/**
 * `confidences.xlsx`: one row per segmented file (column A `file`, column B `Confidence`) in the sheet
 * "Confidences" — the layout pandas gives itk_infer, readable with `pd.read_excel(path, index_col=0)`.
 * Unlike itk_infer, rows of files finished in earlier runs are kept: a resumed run updates its own
 * rows and leaves the others alone.
 */
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { ItkInferError } from './errors';

/** File name of the sheet in the output folder. */
export const CONFIDENCE_FILE = 'confidences.xlsx';
/** Name of the worksheet. */
export const CONFIDENCE_SHEET = 'Confidences';

/**
 * Reads the rows of an existing sheet, in order ({} when the file does not exist).
 *
 * @throws {@link ItkInferError} when the file exists but is not a readable workbook
 */
export async function readConfidences(path: string): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  if (!existsSync(path)) return rows;
  const { default: ExcelJS } = await import('exceljs'); // loaded on use: it is slow to import
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new ItkInferError(`cannot read ${path} (${(e as Error).message.split('\n')[0]}); move it away or delete it to start a new one`);
  }
  const sheet = wb.getWorksheet(CONFIDENCE_SHEET) ?? wb.worksheets[0];
  if (!sheet) return rows;
  sheet.eachRow((row, n) => {
    if (n === 1) return; // header
    const name = row.getCell(1).value;
    const value = row.getCell(2).value;
    if (name === null || name === undefined) return;
    const conf = typeof value === 'number' ? value : Number(value);
    rows.set(String(name), conf);
  });
  return rows;
}

/**
 * Writes the rows (insertion order) to `path` atomically: a temporary file renamed into place.
 */
export async function writeConfidences(path: string, rows: ReadonlyMap<string, number>): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(CONFIDENCE_SHEET);
  sheet.columns = [
    { header: 'file', key: 'file', width: 40 },
    { header: 'Confidence', key: 'confidence', width: 14 },
  ];
  for (const [file, confidence] of rows) sheet.addRow({ file, confidence });
  const bytes = await wb.xlsx.writeBuffer();
  const temp = `${path}.partial-${process.pid}`;
  try {
    await writeFile(temp, new Uint8Array(bytes as ArrayBuffer));
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
