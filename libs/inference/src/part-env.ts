/**
 * Part ids from the schedulers users already run, for when `--part-id/--num-parts` are absent:
 * Kubernetes indexed Jobs, Slurm job arrays and AWS Batch array jobs.
 */
import { InvalidOptionError } from './errors';

/** Which part of a multi-part run this process runs. */
export interface PartAssignment {
  /** This process's part, 0-based. */
  partId: number;
  /** Number of parts the grid is split into. */
  numParts: number;
  /** Where the values came from ('flags', 'JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID', …). */
  source: string;
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidOptionError(`${name}=${v} is not a non-negative integer`);
  return n;
}

/**
 * Resolves the part of this process: explicit values win; then `JOB_COMPLETION_INDEX` (with
 * `--num-parts` or `JOB_COMPLETIONS`), `SLURM_ARRAY_TASK_ID`/`SLURM_ARRAY_TASK_COUNT` (ids offset by
 * `SLURM_ARRAY_TASK_MIN`), `AWS_BATCH_JOB_ARRAY_INDEX`/`AWS_BATCH_JOB_ARRAY_SIZE`; else part 0 of 1.
 */
export function resolvePart(
  explicit: { partId?: number; numParts?: number },
  env: Readonly<Record<string, string | undefined>> = process.env,
): PartAssignment {
  let partId = explicit.partId;
  let numParts = explicit.numParts;
  let source = 'flags';
  if (partId === undefined) {
    const k8s = int('JOB_COMPLETION_INDEX', env['JOB_COMPLETION_INDEX']);
    const slurm = int('SLURM_ARRAY_TASK_ID', env['SLURM_ARRAY_TASK_ID']);
    const batch = int('AWS_BATCH_JOB_ARRAY_INDEX', env['AWS_BATCH_JOB_ARRAY_INDEX']);
    if (k8s !== undefined) {
      partId = k8s;
      numParts ??= int('JOB_COMPLETIONS', env['JOB_COMPLETIONS']);
      source = 'JOB_COMPLETION_INDEX';
    } else if (slurm !== undefined) {
      partId = slurm - (int('SLURM_ARRAY_TASK_MIN', env['SLURM_ARRAY_TASK_MIN']) ?? 0);
      numParts ??= int('SLURM_ARRAY_TASK_COUNT', env['SLURM_ARRAY_TASK_COUNT']);
      source = 'SLURM_ARRAY_TASK_ID';
    } else if (batch !== undefined) {
      partId = batch;
      numParts ??= int('AWS_BATCH_JOB_ARRAY_SIZE', env['AWS_BATCH_JOB_ARRAY_SIZE']);
      source = 'AWS_BATCH_JOB_ARRAY_INDEX';
    } else {
      source = numParts === undefined ? 'default' : 'flags';
      partId = 0;
    }
  }
  numParts ??= 1;
  if (!Number.isInteger(numParts) || numParts < 1) {
    throw new InvalidOptionError(`--num-parts must be a positive integer (got ${numParts})`);
  }
  if (!Number.isInteger(partId) || partId < 0 || partId >= numParts) {
    throw new InvalidOptionError(
      `part id ${partId} (from ${source}) is outside 0…${numParts - 1}; set --num-parts to the number of parts`,
    );
  }
  return { partId, numParts, source };
}
