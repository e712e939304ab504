/**
 * Scoring picks against ground truth, per run and object, then per object over runs, then one
 * weighted F-beta: the CZII Kaggle competition metric by default, octopi's `evaluate` on request.
 *
 * kaggle (metric notebook czi-cryoet-84969): threshold = radius · 0.5; a ground-truth particle is
 * found when any prediction lies within ≤ threshold (`KDTree.query_ball_tree`, unique reference
 * indices); TP = found particles, FP = predictions − TP, FN = particles − TP. So two predictions on
 * one particle are one TP and one FP. (A prediction between two particles closer than 2·threshold
 * finds both, which can make FP negative; the competition metric has the same quirk.)
 *
 * octopi (`processing/evaluate.py`): threshold = radius · 0.8 by default; TP = predictions with a
 * particle closer than (<) the threshold, FP = the other predictions, FN = particles with no
 * prediction closer than the threshold. Two predictions on one particle are two TPs.
 *
 * Both sum TP/FP/FN per object over runs before computing precision and recall, and weight F-beta by
 * the objects' weights (copick `metadata.weight`, default 1) normalised over the evaluated objects.
 */
import { ParticlesArgumentError } from './errors';
import type { PointXYZ } from './picks-file';

/** Which formula: the Kaggle competition's (default) or octopi's. */
export type MetricVariant = 'kaggle' | 'octopi';

/** True positives, false positives, false negatives. */
export interface MatchCounts {
  /**
   * True positives. kaggle: ground-truth particles with a prediction within the threshold (each counted
   * once); octopi: predictions with a particle within the threshold.
   */
  tp: number;
  /** False positives: predictions − TP (under kaggle it can be negative; see the module comment). */
  fp: number;
  /** False negatives: ground-truth particles with no prediction within the threshold. */
  fn: number;
}

/** Scores derived from counts (0 wherever a denominator is 0). */
export interface Scores {
  /** TP / (TP + FP). */
  precision: number;
  /** TP / (TP + FN). */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
  /** (1 + β²)·P·R / (β²·P + R): the competition score, which with β = 4 weighs recall 16× precision. */
  fbeta: number;
  /** TP / (TP + FP + FN). */
  accuracy: number;
}

/** The default distance scale of a metric: 0.5 for kaggle, 0.8 for octopi (its CLI default). */
export function defaultDistanceScale(metric: MetricVariant): number {
  return metric === 'kaggle' ? 0.5 : 0.8;
}

/**
 * Matches `predicted` against `groundTruth` (same unit, usually Å) with distance threshold `threshold`
 * under `metric`'s rules (see the module comment).
 */
export function countMatches(predicted: readonly PointXYZ[], groundTruth: readonly PointXYZ[], threshold: number, metric: MetricVariant = 'kaggle'): MatchCounts {
  if (!(threshold >= 0)) throw new ParticlesArgumentError(`countMatches: threshold ${threshold} must be ≥ 0`);
  const nPred = predicted.length;
  const nGt = groundTruth.length;
  if (nGt === 0) return { tp: 0, fp: nPred, fn: 0 };
  if (nPred === 0) return { tp: 0, fp: 0, fn: nGt };
  // Ground truth sorted by x: each prediction only looks at particles within ±threshold in x.
  const order = Array.from({ length: nGt }, (_, i) => i).sort((a, b) => groundTruth[a]!.x - groundTruth[b]!.x);
  const xs = Float64Array.from(order, (i) => groundTruth[i]!.x);
  const found = new Uint8Array(nGt);
  const strict = metric === 'octopi';
  const t2 = threshold * threshold;
  let matchedPredictions = 0;
  for (const p of predicted) {
    // First sorted index with x ≥ p.x − threshold.
    let lo = 0;
    let hi = nGt;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < p.x - threshold) lo = mid + 1;
      else hi = mid;
    }
    let matched = false;
    for (let k = lo; k < nGt && xs[k]! <= p.x + threshold; k++) {
      const g = groundTruth[order[k]!]!;
      const d2 = (g.x - p.x) ** 2 + (g.y - p.y) ** 2 + (g.z - p.z) ** 2;
      if (strict ? d2 < t2 : d2 <= t2) {
        found[k] = 1;
        matched = true;
      }
    }
    if (matched) matchedPredictions++;
  }
  let foundCount = 0;
  for (let k = 0; k < nGt; k++) foundCount += found[k]!;
  if (metric === 'kaggle') return { tp: foundCount, fp: nPred - foundCount, fn: nGt - foundCount };
  return { tp: matchedPredictions, fp: nPred - matchedPredictions, fn: nGt - foundCount };
}

/** Precision, recall, F1, F-beta and accuracy of `counts`. */
export function scoreCounts(counts: MatchCounts, beta = 4): Scores {
  const { tp, fp, fn } = counts;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const b2 = beta * beta;
  const fbeta = b2 * precision + recall > 0 ? ((1 + b2) * precision * recall) / (b2 * precision + recall) : 0;
  const accuracy = tp + fp + fn > 0 ? tp / (tp + fp + fn) : 0;
  return { precision, recall, f1, fbeta, accuracy };
}

/** An object to evaluate: its radius (same unit as the points) and class weight. */
export interface EvaluateObjectSpec {
  /** Object name: the key of its points in {@link EvaluateRunPoints.points}. */
  name: string;
  /** Particle radius in the points' unit (Å for copick picks); the match threshold is radius · distanceScale. */
  radius: number;
  /** Class weight (default 1; 0 leaves the object out of the weighted score). */
  weight?: number;
}

/** The points of one run, per object name (a missing object means no points on either side). */
export interface EvaluateRunPoints {
  /** Run name (reported in the results; not used for matching). */
  run: string;
  /** Both sides' points per object name, in one unit (usually Å). */
  points: Record<string, {
    /** The picks being scored. */
    predicted: readonly PointXYZ[];
    /** The reference picks. */
    groundTruth: readonly PointXYZ[]
  }>;
}

/** Options shared by every evaluate function. */
export interface EvaluateOptions {
  /** Default 'kaggle'. */
  metric?: MetricVariant;
  /** Threshold = radius · distanceScale (default 0.5 for kaggle, 0.8 for octopi). */
  distanceScale?: number;
  /** F-beta's beta (default 4: recall weighs 16× precision). */
  beta?: number;
}

/** One object in one run. */
export interface ObjectRunResult extends MatchCounts, Scores {
  /** Object name. */
  name: string;
  /** Number of predicted points in this run. */
  nPredicted: number;
  /** Number of ground-truth points in this run. */
  nGroundTruth: number;
}

/** All objects of one run. */
export interface RunEvaluation {
  /** Run name. */
  run: string;
  /** One result per evaluated object, in the order the objects were given. */
  objects: ObjectRunResult[];
}

/** Mean and population standard deviation over runs (NaN when no run qualifies). */
export interface MeanStd {
  /** Mean over the qualifying runs. */
  mean: number;
  /** Population standard deviation (divided by n, numpy's default). */
  std: number;
}

/** One object over all runs: counts summed over runs, scores from the sums. */
export interface ObjectSummary extends MatchCounts, Scores {
  /** Object name. */
  name: string;
  /** Particle radius (the points' unit, Å for copick picks). */
  radius: number;
  /** Class weight in the weighted score (copick `metadata.weight`, default 1). */
  weight: number;
  /** The distance threshold used (radius · distanceScale). */
  threshold: number;
  /** Predicted points, summed over runs. */
  nPredicted: number;
  /** Ground-truth points, summed over runs. */
  nGroundTruth: number;
  /**
   * octopi's per-run statistics: mean and std of each per-run value over the runs where both sides
   * have points (runs with an empty side are left out, as octopi does).
   */
  perRun: Record<'precision' | 'recall' | 'f1' | 'fbeta' | 'accuracy' | 'tp' | 'fp' | 'fn', MeanStd>;
}

/** The result of an evaluation. */
export interface Evaluation {
  /** The metric variant used. */
  metric: MetricVariant;
  /** F-beta's β used. */
  beta: number;
  /** The distance scale used (threshold = radius · distanceScale). */
  distanceScale: number;
  /** Per-run results, in the order the runs were given. */
  runs: RunEvaluation[];
  /** Per-object results over all runs, in the order the objects were given. */
  objects: ObjectSummary[];
  /** Σ weight · F-beta / Σ weight over the evaluated objects (0 when every weight is 0). */
  score: number;
  /** Who was compared with whom (filled by `evaluateProject`). */
  input?: {
    /** The project's copick config. */
    configPath?: string;
    /**
     * Whose picks were the reference.
     * @property __type.userId - Ground-truth user id (Kaggle's curated picks: 'curation').
     * @property __type.sessionId - Ground-truth session id (Kaggle's curated picks: '0').
     */
    groundTruth?: { userId: string; sessionId: string };
    /**
     * Whose picks were scored.
     * @property __type.userId - Predicted picks' user id.
     * @property __type.sessionId - Predicted picks' session id.
     */
    predicted?: { userId: string; sessionId: string };
  };
}

function meanStd(values: number[]): MeanStd {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Resolves and checks metric, beta and distance scale.
 * @property __type.metric - The metric (default 'kaggle').
 * @property __type.beta - F-beta's β (default 4).
 * @property __type.distanceScale - Threshold scale (default {@link defaultDistanceScale} of the metric).
 */
export function resolveEvaluateOptions(options: EvaluateOptions): { metric: MetricVariant; beta: number; distanceScale: number } {
  const metric = options.metric ?? 'kaggle';
  if (metric !== 'kaggle' && metric !== 'octopi') throw new ParticlesArgumentError(`evaluate: metric ${JSON.stringify(metric)} is not 'kaggle' or 'octopi'`);
  const beta = options.beta ?? 4;
  if (!(beta > 0)) throw new ParticlesArgumentError(`evaluate: beta ${beta} must be positive`);
  const distanceScale = options.distanceScale ?? defaultDistanceScale(metric);
  if (!(distanceScale > 0)) throw new ParticlesArgumentError(`evaluate: distanceScale ${distanceScale} must be positive`);
  return { metric, beta, distanceScale };
}

/** Evaluates one run's points for every object. */
export function evaluateRunPoints(objects: readonly EvaluateObjectSpec[], run: EvaluateRunPoints, options: EvaluateOptions = {}): RunEvaluation {
  const { metric, beta, distanceScale } = resolveEvaluateOptions(options);
  return {
    run: run.run,
    objects: objects.map((o) => {
      const pts = run.points[o.name] ?? { predicted: [], groundTruth: [] };
      const counts = countMatches(pts.predicted, pts.groundTruth, o.radius * distanceScale, metric);
      return { name: o.name, nPredicted: pts.predicted.length, nGroundTruth: pts.groundTruth.length, ...counts, ...scoreCounts(counts, beta) };
    }),
  };
}

/** Evaluates every run and object, aggregates per object and computes the weighted score. */
export function evaluatePoints(objects: readonly EvaluateObjectSpec[], runs: readonly EvaluateRunPoints[], options: EvaluateOptions = {}): Evaluation {
  const resolved = resolveEvaluateOptions(options);
  for (const o of objects) {
    if (!(o.radius > 0)) throw new ParticlesArgumentError(`evaluate: object '${o.name}' has radius ${o.radius}; a positive radius is needed for the distance threshold`);
    if (o.weight !== undefined && !(o.weight >= 0)) throw new ParticlesArgumentError(`evaluate: object '${o.name}' has weight ${o.weight}; weights are ≥ 0`);
  }
  const runResults = runs.map((r) => evaluateRunPoints(objects, r, resolved));
  const summaries = objects.map((o, k): ObjectSummary => {
    const rows = runResults.map((r) => r.objects[k]!);
    const counts = {
      tp: rows.reduce((a, r) => a + r.tp, 0),
      fp: rows.reduce((a, r) => a + r.fp, 0),
      fn: rows.reduce((a, r) => a + r.fn, 0),
    };
    const both = rows.filter((r) => r.nPredicted > 0 && r.nGroundTruth > 0);
    const stat = (f: (r: ObjectRunResult) => number): MeanStd => meanStd(both.map(f));
    return {
      name: o.name,
      radius: o.radius,
      weight: o.weight ?? 1,
      threshold: o.radius * resolved.distanceScale,
      nPredicted: rows.reduce((a, r) => a + r.nPredicted, 0),
      nGroundTruth: rows.reduce((a, r) => a + r.nGroundTruth, 0),
      ...counts,
      ...scoreCounts(counts, resolved.beta),
      perRun: {
        precision: stat((r) => r.precision),
        recall: stat((r) => r.recall),
        f1: stat((r) => r.f1),
        fbeta: stat((r) => r.fbeta),
        accuracy: stat((r) => r.accuracy),
        tp: stat((r) => r.tp),
        fp: stat((r) => r.fp),
        fn: stat((r) => r.fn),
      },
    };
  });
  const totalWeight = summaries.reduce((a, s) => a + s.weight, 0);
  const score = totalWeight > 0 ? summaries.reduce((a, s) => a + s.weight * s.fbeta, 0) / totalWeight : 0;
  return { ...resolved, runs: runResults, objects: summaries, score };
}
