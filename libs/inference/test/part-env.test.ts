import { describe, expect, it } from 'vitest';
import { InvalidOptionError, resolvePart } from '../src';

describe('resolvePart', () => {
  it('prefers flags, then Kubernetes, Slurm and AWS Batch array variables', () => {
    expect(resolvePart({ partId: 2, numParts: 4 }, { JOB_COMPLETION_INDEX: '1' })).toEqual({ partId: 2, numParts: 4, source: 'flags' });
    expect(resolvePart({ numParts: 4 }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ partId: 3, numParts: 4, source: 'JOB_COMPLETION_INDEX' });
    expect(resolvePart({}, { JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '2' })).toMatchObject({ partId: 1, numParts: 2 });
    // Slurm arrays may start anywhere (--array=5-8): ids are offset by the minimum.
    expect(resolvePart({}, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ partId: 2, numParts: 4, source: 'SLURM_ARRAY_TASK_ID' });
    expect(resolvePart({}, { AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '10' })).toEqual({ partId: 0, numParts: 10, source: 'AWS_BATCH_JOB_ARRAY_INDEX' });
    expect(resolvePart({}, {})).toEqual({ partId: 0, numParts: 1, source: 'default' });
  });

  it('rejects ids outside the part count and malformed values with a one-line error', () => {
    expect(() => resolvePart({}, { JOB_COMPLETION_INDEX: '4', JOB_COMPLETIONS: '4' })).toThrow(/part id 4 \(from JOB_COMPLETION_INDEX\) is outside 0…3/);
    expect(() => resolvePart({}, { SLURM_ARRAY_TASK_ID: 'x' })).toThrow(InvalidOptionError);
    expect(() => resolvePart({ numParts: 0 }, {})).toThrow(/--num-parts must be a positive integer/);
  });
});
