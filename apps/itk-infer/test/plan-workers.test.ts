import { describe, expect, it } from 'vitest';
import { planWorkers } from '../src/plan-workers';

describe('planWorkers', () => {
  it('starts max(--num-proc, --gpus) processes and assigns GPUs round-robin', () => {
    const plans = planWorkers(4, 2, 10, 8);
    expect(plans.map((p) => p.cudaVisibleDevices)).toEqual(['0', '1', '0', '1']);
    expect(plans.every((p) => p.device === 'cuda')).toBe(true);
    expect(planWorkers(1, 3, 10, 8).map((p) => p.cudaVisibleDevices)).toEqual(['0', '1', '2']);
  });

  it('runs on the CPU without --gpus, sharing the cores as session threads', () => {
    const plans = planWorkers(2, 0, 10, 8);
    expect(plans).toEqual([
      { index: 0, device: 'cpu', threads: 4 },
      { index: 1, device: 'cpu', threads: 4 },
    ]);
    expect(planWorkers(3, 0, 10, 2).map((p) => p.threads)).toEqual([1, 1, 1]);
    expect(planWorkers(2, 0, 10, 8, 3).map((p) => p.threads)).toEqual([3, 3]);
  });

  it('never starts more processes than there are files', () => {
    expect(planWorkers(8, 0, 3, 8)).toHaveLength(3);
    expect(planWorkers(8, 0, 0, 8)).toHaveLength(1);
  });
});
