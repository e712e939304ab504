import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  computeSteps,
  computeStepsForStepFraction,
  roundHalfEven,
  stepFractionFromOverlap,
  TilingArgumentError,
} from '../src';

// [size, patch, overlap, starts] from numpy (fixtures/make-fixtures.py mirrors nnU-Net's lines).
const TABLE = JSON.parse(readFileSync(new URL('./fixtures/nnunet-steps.json', import.meta.url), 'utf8')) as [
  number,
  number,
  number,
  number[],
][];

/** np.round written differently from the code under test: Math.round, then undo ties that went odd. */
function npRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** nnU-Net v2 compute_steps_for_sliding_window for one axis, line by line. */
function nnunetSteps(imageSize: number, patchSize: number, stepSize: number): number[] {
  const targetStep = patchSize * stepSize;
  const numSteps = Math.ceil((imageSize - patchSize) / targetStep) + 1;
  const actualStep = numSteps > 1 ? (imageSize - patchSize) / (numSteps - 1) : 99999999999;
  const steps: number[] = [];
  for (let i = 0; i < numSteps; i++) steps.push(npRound(actualStep * i));
  return steps;
}

describe('roundHalfEven', () => {
  it('rounds ties to even like np.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, 32.5, 216.5, -0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 32, 216, 0, -2, -2]);
    expect([0.49999999999999994, 2.5000000000000004, 7.2, 7.8, 9].map(roundHalfEven)).toEqual([0, 3, 7, 8, 9]);
  });
});

describe('computeSteps', () => {
  it(`matches numpy for the ${TABLE.length} reference shapes`, () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(50);
    for (const [d, p, overlap, expected] of TABLE) {
      expect(computeSteps(d, p, overlap), `D=${d} P=${p} overlap=${overlap}`).toEqual(expected);
    }
  });

  it('gives the documented examples', () => {
    expect(computeSteps(193, 128, 0.5)).toEqual([0, 32, 65]);
    expect(computeSteps(110, 64, 0.5)).toEqual([0, 23, 46]);
    expect(computeSteps(97, 64, 0.5)).toEqual([0, 16, 33]);
    expect(computeSteps(500, 192, 0.5)).toEqual([0, 77, 154, 231, 308]);
  });

  it('rounds the float product, not the exact ratio (D=473, P=40)', () => {
    const s = computeSteps(473, 40, 0.5);
    expect(s).toHaveLength(23);
    // 433·11/22 = 216.5 exactly, which would round to 216; the float64 product is 216.50000000000003.
    expect((433 / 22) * 11).toBeGreaterThan(216.5);
    expect(s[11]).toBe(217);
  });

  it('agrees with a line-by-line nnU-Net reimplementation over a sweep of shapes', () => {
    let cases = 0;
    const mismatches: string[] = [];
    for (const stepSize of [0.5, 0.25, 0.75, 1, 0.3, 0.9, 0.1, 0.6]) {
      for (let p = 1; p <= 70; p += 3) {
        for (let d = p; d <= p + 260; d++) {
          const got = computeStepsForStepFraction(d, p, stepSize).join(',');
          if (got !== nnunetSteps(d, p, stepSize).join(',')) mismatches.push(`D=${d} P=${p} step=${stepSize}: ${got}`);
          cases++;
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBeGreaterThan(50_000);
  });

  it('starts at 0, ends at D − P, and never steps further than the target', () => {
    const bad: string[] = [];
    for (let p = 2; p <= 40; p++) {
      for (let d = p + 1; d <= 200; d++) {
        const s = computeSteps(d, p, 0.5);
        let ok = s[0] === 0 && s[s.length - 1] === d - p;
        for (let i = 1; i < s.length; i++) {
          const step = s[i]! - s[i - 1]!;
          ok &&= step > 0 && step <= Math.ceil(p * 0.5);
        }
        if (!ok) bad.push(`D=${d} P=${p}: ${s.join(',')}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('gives one position at 0 when the volume is not larger than the patch', () => {
    expect(computeSteps(30, 64, 0.5)).toEqual([0]);
    expect(computeSteps(64, 64, 0.5)).toEqual([0]);
    expect(computeSteps(1, 1, 0)).toEqual([0]);
  });

  it('converts a decimal overlap to the step fraction a user of nnU-Net would type', () => {
    expect(1 - 0.7).not.toBe(0.3);
    expect(stepFractionFromOverlap(0.7)).toBe(0.3);
    expect(stepFractionFromOverlap(0)).toBe(1);
    expect(stepFractionFromOverlap(0.5)).toBe(0.5);
    expect(stepFractionFromOverlap(0.875)).toBe(0.125);
  });

  it("follows villa's truncated target step with rule 'vesuvius'", () => {
    // P·f = 96.5: nnU-Net needs (386 − 193)/96.5 = 2 steps, villa's int() makes it 193/96 → 3.
    expect(computeSteps(386, 193, 0.5)).toEqual([0, 96, 193]);
    expect(computeSteps(386, 193, 0.5, 'vesuvius')).toEqual([0, 64, 129, 193]);
    // For even patches at overlap 0.5 both rules agree (villa's documented example).
    expect(computeSteps(500, 192, 0.5, 'vesuvius')).toEqual([0, 77, 154, 231, 308]);
  });

  it('rejects bad arguments with TilingArgumentError', () => {
    expect(() => computeSteps(100, 64, 1)).toThrow(TilingArgumentError);
    expect(() => computeSteps(100, 64, -0.1)).toThrow(/overlap must be in \[0, 1\), got -0.1/);
    expect(() => computeSteps(100, 64, Number.NaN)).toThrow(TilingArgumentError);
    expect(() => computeSteps(0, 64, 0.5)).toThrow(/volume size must be a positive integer, got 0/);
    expect(() => computeSteps(100, 6.5, 0.5)).toThrow(/patch size/);
    expect(() => computeStepsForStepFraction(100, 64, 0)).toThrow(/step fraction/);
  });
});
