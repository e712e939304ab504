/**
 * Which files of the input folder are images, what each one's outputs are called, and which of them
 * a previous run already finished.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NoInputFilesError, UsageError } from './errors';

/** File name endings itk-infer reads (and writes: each output keeps its input's format). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.nii.gz', '.nii', '.mha', '.nrrd'];

/** The image extension of a file name (case-insensitive), or undefined. `.nii.gz` wins over `.gz`. */
export function imageExtension(name: string): string | undefined {
  const lower = name.toLowerCase();
  const ext = IMAGE_EXTENSIONS.find((e) => lower.endsWith(e));
  return ext === undefined ? undefined : name.slice(name.length - ext.length);
}

/** The name without its image extension: `ct.nii.gz` → `ct`. */
export function baseNameOf(name: string): string {
  const ext = imageExtension(name);
  return ext === undefined ? name : name.slice(0, name.length - ext.length);
}

/** Name of the logits Zarr of an input: `ct.nii.gz` → `ct.zarr` (itk_infer wrote `ct.nii.zarr`). */
export function logitsZarrName(name: string): string {
  return `${baseNameOf(name)}.zarr`;
}

/**
 * The image files directly inside `dir` (not recursive, like itk_infer's globs), sorted by name so
 * runs and their outputs are reproducible.
 *
 * @throws {@link UsageError} if `dir` is not a folder
 * @throws {@link NoInputFilesError} if it holds no .nii.gz, .nii, .mha or .nrrd file
 */
export async function listInputFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`--input-folder ${dir} is not a folder; pass the folder that holds the images`);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--input-folder ${dir} cannot be read (${(e as Error).message.split('\n')[0]}); check the path`);
  }
  const files = entries
    .filter((d) => (d.isFile() || d.isSymbolicLink()) && imageExtension(d.name) !== undefined)
    .map((d) => d.name)
    .sort();
  if (files.length === 0) {
    throw new NoInputFilesError(`No input files found in ${dir}: expected ${IMAGE_EXTENSIONS.map((e) => `*${e}`).join(', ')}`);
  }
  return files;
}

/**
 * Refuses inputs whose logits Zarrs would overwrite each other (`ct.mha` and `ct.nii.gz` both give
 * `ct.zarr`).
 *
 * @throws {@link UsageError} naming the two files
 */
export function checkLogitsNames(files: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const z = logitsZarrName(f);
    const other = seen.get(z);
    if (other !== undefined) {
      throw new UsageError(`${other} and ${f} would both write ${z} with --save-logits; rename one of them or run them from separate folders`);
    }
    seen.set(z, f);
  }
}

/** What has to exist in the output folder for a file to count as done. */
export interface DoneCriteria {
  outputDir: string;
  saveLogits: boolean;
  /** With --save-conf: the files that already have a row in confidences.xlsx. */
  confidenceRows?: ReadonlySet<string>;
}

/**
 * Whether a previous run finished `file`: its segmentation exists and so do the other outputs this
 * run asks for (the logits Zarr, the confidence row). itk_infer checked the segmentation only.
 */
export function isDone(file: string, criteria: DoneCriteria): boolean {
  if (!existsSync(join(criteria.outputDir, file))) return false;
  if (criteria.saveLogits && !existsSync(join(criteria.outputDir, logitsZarrName(file), 'zarr.json'))) return false;
  if (criteria.confidenceRows && !criteria.confidenceRows.has(file)) return false;
  return true;
}
