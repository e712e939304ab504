/**
 * Files named by number (slices `001.tif`, `2.tif`, `10.tif`; layers `00.tif`): ordered by the number,
 * never by the string, so `2.tif` comes before `10.tif`.
 */
import { UnreadableImageError } from './errors';

/** A file whose name carries a number. */
export interface NumberedFile {
  /** The number in the name (the last run of digits before the extension). */
  index: number;
  /** The store key. */
  key: string;
}

/**
 * The keys among `keys` that sit directly in `prefix` (`''` or `'layers/'`) and whose extension matches
 * `extension`, sorted by the number in the name. With `wholeNameNumeric` the name before the extension
 * must be all digits (`07.tif`); otherwise the last run of digits counts (`slice_0007.tif`). Names
 * without a number are skipped; two names with one number (`1.tif`, `001.tif`) are an
 * {@link UnreadableImageError} naming both and `folderUrl`.
 */
export function numberedFiles(
  keys: readonly string[],
  opts: { prefix?: string; extension: RegExp; wholeNameNumeric?: boolean; folderUrl: string },
): NumberedFile[] {
  const prefix = opts.prefix ?? '';
  const out: NumberedFile[] = [];
  const byIndex = new Map<number, string>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (name.includes('/')) continue;
    const ext = opts.extension.exec(name);
    if (ext === null) continue;
    const stem = name.slice(0, ext.index);
    const m = opts.wholeNameNumeric ? /^(\d+)$/.exec(stem) : /(\d+)(?!.*\d)/.exec(stem);
    if (m === null) continue;
    const index = Number(m[1]);
    const clash = byIndex.get(index);
    if (clash !== undefined) {
      throw new UnreadableImageError(
        `${opts.folderUrl} has two files numbered ${index} (${clash}, ${key}); keep one file per number`,
        opts.folderUrl,
      );
    }
    byIndex.set(index, key);
    out.push({ index, key });
  }
  return out.sort((a, b) => a.index - b.index);
}
