import type { NgffProblem } from './types';

/** Base class of every error this package throws. */
export class NgffError extends Error {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'NgffError';
}

/** Metadata breaks the specification; `problems` lists every rule it breaks. */
export class NgffValidationError extends NgffError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'NgffValidationError';
  constructor(
    /** What was validated (a store URL and group path, or 'built multiscales'). */
    readonly where: string,
    /** Every problem found, errors and warnings. */
    readonly problems: NgffProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0] ?? problems[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem(s))` : '';
    super(
      `Invalid OME-NGFF metadata for ${where}: ${first ? `${first.path}: ${first.message}` : 'unknown problem'}${more}; fix the metadata and write it again.`,
    );
  }
}

/** No Zarr group (neither `zarr.json` nor `.zattrs`/`.zgroup`) where NGFF metadata was expected. */
export class NgffNotFoundError extends NgffError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'NgffNotFoundError';
  constructor(
    /** The store URL and group path that was looked at. */
    readonly location: string,
  ) {
    super(`No Zarr group at ${location} (no zarr.json, .zgroup or .zattrs); check the path or write the group first.`);
  }
}

/** Group metadata exists but cannot be used (broken JSON, an array where a group was expected…). */
export class NgffFormatError extends NgffError {
  /** The class name, as `error.name` shows it in logs. */
  override name = 'NgffFormatError';
  constructor(
    /** The store URL and group path of the unusable metadata. */
    readonly location: string,
    detail: string,
  ) {
    super(`Unusable Zarr group metadata at ${location}: ${detail}.`);
  }
}
