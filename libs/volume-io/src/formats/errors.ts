/**
 * Typed errors of the file formats (TIFF, NIfTI/MetaImage/NRRD, layer folders, PNG). Every message is
 * one line that names the file or folder and says what to do; callers test with `instanceof`.
 */

/** Base class of every error thrown by the file-format readers and writers. */
export class FormatError extends Error {
  /** The file or folder (path or URL) the error is about. */
  readonly url: string;

  constructor(message: string, url: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.url = url;
  }
}

/** A file name or content this package cannot read or write (unknown extension, BigTIFF, 4D vector images…). */
export class UnsupportedFormatError extends FormatError {}

/** A dtype the target format cannot hold (float16 in NIfTI, int32 in TIFF…). */
export class UnsupportedDTypeError extends UnsupportedFormatError {}

/** A file that exists but cannot be decoded: truncated, corrupt, or not the format its name says. */
export class UnreadableImageError extends FormatError {}

/** The file (or a file a header refers to, such as an .mhd's .raw) does not exist. */
export class ImageNotFoundError extends FormatError {}

/** A layer folder that lacks layers in the requested `[start, end)` range. */
export class NoLayersFoundError extends FormatError {
  /** First layer number requested (inclusive). */
  readonly start: number;
  /** Last layer number requested (exclusive). */
  readonly end: number;
  /** Layer numbers in `[start, end)` that are missing. */
  readonly missing: number[];

  constructor(message: string, url: string, start: number, end: number, missing: number[]) {
    super(message, url);
    this.start = start;
    this.end = end;
    this.missing = missing;
  }
}

/** A box outside the volume, of the wrong rank, or data whose size does not match the box. */
export class BoxOutOfRangeError extends FormatError {}

/** `write` on a volume that cannot be written (a layer folder, a read-only store). */
export class ReadOnlyVolumeError extends FormatError {}

/** `text` on one line: line breaks from underlying libraries (libvips, ITK) become "; ". */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
}
