import { describe, expect, it } from 'vitest';
import { countMatches, evaluatePoints, scoreCounts, type EvaluateRunPoints } from './evaluate';
import { formatMetricsTable, metricsJson } from './metrics-report';

const P = (x: number, y: number, z: number) => ({ x, y, z });

// Object A: radius 100 Å (kaggle threshold 50, octopi 80); object B: radius 60 Å (30 / 48), weight 2.
const objects = [
  { name: 'A', radius: 100, weight: 1 },
  { name: 'B', radius: 60, weight: 2 },
];
const runs: EvaluateRunPoints[] = [
  {
    run: 'r1',
    points: {
      // p1, p2 sit 30 and 40 Å from g1; p3 is 60 Å from g2; p4 is far from everything.
      A: { groundTruth: [P(0, 0, 0), P(1000, 0, 0), P(0, 1000, 0)], predicted: [P(30, 0, 0), P(0, 40, 0), P(1000, 0, 60), P(5000, 5000, 5000)] },
      // Exactly on the kaggle threshold (30 Å): ≤ counts it.
      B: { groundTruth: [P(500, 500, 500)], predicted: [P(530, 500, 500)] },
    },
  },
  {
    run: 'r2',
    points: {
      A: { groundTruth: [], predicted: [P(0, 0, 0)] },
      // q2 is 48 Å from h2 (exactly octopi's threshold: < does not count it); q3 is 30 Å from h3.
      B: { groundTruth: [P(0, 0, 0), P(100, 0, 0)], predicted: [P(0, 48, 0), P(100, 0, 30)] },
    },
  },
];

describe('countMatches', () => {
  it('kaggle counts unique found particles; octopi counts matched predictions', () => {
    const a = runs[0]!.points.A!;
    expect(countMatches(a.predicted, a.groundTruth, 50, 'kaggle')).toEqual({ tp: 1, fp: 3, fn: 2 });
    expect(countMatches(a.predicted, a.groundTruth, 80, 'octopi')).toEqual({ tp: 3, fp: 1, fn: 1 });
  });

  it('compares with ≤ (kaggle) and < (octopi) at the same threshold', () => {
    const b = runs[1]!.points.B!;
    expect(countMatches(b.predicted, b.groundTruth, 48, 'kaggle')).toEqual({ tp: 2, fp: 0, fn: 0 });
    expect(countMatches(b.predicted, b.groundTruth, 48, 'octopi')).toEqual({ tp: 1, fp: 1, fn: 1 });
  });

  it('handles empty sides, and reproduces the competition metric when one prediction finds two particles', () => {
    expect(countMatches([P(0, 0, 0)], [], 10)).toEqual({ tp: 0, fp: 1, fn: 0 });
    expect(countMatches([], [P(0, 0, 0), P(1, 1, 1)], 10)).toEqual({ tp: 0, fp: 0, fn: 2 });
    expect(countMatches([P(0, 0, 0)], [P(-8, 0, 0), P(8, 0, 0)], 10, 'kaggle')).toEqual({ tp: 2, fp: -1, fn: 0 });
  });
});

describe('scoreCounts', () => {
  it('computes precision, recall, F1, F-beta and accuracy, 0 on empty denominators', () => {
    const s = scoreCounts({ tp: 1, fp: 4, fn: 2 }, 4);
    expect(s.precision).toBeCloseTo(0.2, 12);
    expect(s.recall).toBeCloseTo(1 / 3, 12);
    expect(s.f1).toBeCloseTo(0.25, 12);
    expect(s.fbeta).toBeCloseTo(17 / 53, 12); // 17·P·R / (16·P + R)
    expect(s.accuracy).toBeCloseTo(1 / 7, 12);
    expect(scoreCounts({ tp: 0, fp: 0, fn: 0 })).toEqual({ precision: 0, recall: 0, f1: 0, fbeta: 0, accuracy: 0 });
  });
});

describe('evaluatePoints', () => {
  it('kaggle: sums counts over runs per object, then weights F-beta (hand-computed)', () => {
    const e = evaluatePoints(objects, runs);
    expect(e.metric).toBe('kaggle');
    expect(e.distanceScale).toBe(0.5);
    const [a, b] = e.objects;
    // A: r1 (1, 3, 2) + r2 (0, 1, 0) = (1, 4, 2): P 1/5, R 1/3, F4 = 17/53.
    expect([a!.tp, a!.fp, a!.fn]).toEqual([1, 4, 2]);
    expect(a!.fbeta).toBeCloseTo(17 / 53, 12);
    // B: r1 (1, 0, 0) + r2 (1, 1, 1) = (2, 1, 1): P = R = 2/3.
    expect([b!.tp, b!.fp, b!.fn]).toEqual([2, 1, 1]);
    expect(b!.fbeta).toBeCloseTo(2 / 3, 12);
    expect(e.score).toBeCloseTo((1 * (17 / 53) + 2 * (2 / 3)) / 3, 12); // = 263/477
    expect(e.runs.map((r) => r.objects.map((o) => [o.tp, o.fp, o.fn]))).toEqual([
      [[1, 3, 2], [1, 0, 0]],
      [[0, 1, 0], [1, 1, 1]],
    ]);
  });

  it('octopi: per-prediction TPs, strict threshold, 0.8 × radius (hand-computed)', () => {
    const e = evaluatePoints(objects, runs, { metric: 'octopi' });
    expect(e.distanceScale).toBe(0.8);
    const [a, b] = e.objects;
    // A: r1 (3, 1, 1) + r2 (0, 1, 0) = (3, 2, 1): P 3/5, R 3/4, F4 = 17/23.
    expect([a!.tp, a!.fp, a!.fn]).toEqual([3, 2, 1]);
    expect(a!.fbeta).toBeCloseTo(17 / 23, 12);
    // B: r1 (1, 0, 0) + r2 (1, 1, 1) = (2, 1, 1).
    expect([b!.tp, b!.fp, b!.fn]).toEqual([2, 1, 1]);
    expect(e.score).toBeCloseTo((17 / 23 + 2 * (2 / 3)) / 3, 12); // = 143/207
    // Per-run means skip runs with an empty side: A only has r1 (precision 3/4); B has both (1 and 1/2).
    expect(a!.perRun.precision).toEqual({ mean: 0.75, std: 0 });
    expect(b!.perRun.precision.mean).toBeCloseTo(0.75, 12);
    expect(b!.perRun.precision.std).toBeCloseTo(0.25, 12);
  });

  it('weight 0 leaves an object out of the score; reports keep octopi key names', () => {
    const e = evaluatePoints([{ name: 'A', radius: 100, weight: 0 }, { name: 'B', radius: 60, weight: 2 }], runs);
    expect(e.score).toBeCloseTo(2 / 3, 12);
    const json = metricsJson(e) as { metrics: Record<string, Record<string, Record<string, number>>> };
    expect(json.metrics.r2!.B).toEqual({
      precision: 0.5,
      recall: 0.5,
      f1_score: 0.5,
      fbeta_score: 0.5,
      accuracy: 1 / 3,
      true_positives: 1,
      false_positives: 1,
      false_negatives: 1,
    });
    const table = formatMetricsTable(e);
    expect(table.split('\n')[0]).toMatch(/^object\s+weight\s+thr Å\s+GT\s+pred\s+TP\s+FP\s+FN\s+precision\s+recall\s+F1\s+F4$/);
    expect(table).toMatch(/weighted F4 = 0\.6667$/);
  });

  it('rejects a metric it does not know and a missing radius', () => {
    expect(() => evaluatePoints(objects, runs, { metric: 'f1' as never })).toThrow(/metric "f1" is not 'kaggle' or 'octopi'/);
    expect(() => evaluatePoints([{ name: 'A', radius: 0 }], runs)).toThrow(/object 'A' has radius 0/);
  });
});
