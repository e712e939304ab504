/**
 * Presenting an {@link Evaluation}: a plain-text table for terminals, and the two files octopi's
 * `evaluate` writes (`metrics.json` per run, `average_metrics.yaml` aggregated), in octopi's key names.
 */
import { openStore } from '@voxelflow/remote-storage';
import YAML from 'yaml';
import { joinUrl } from './copick-roots';
import type { Evaluation, MeanStd } from './evaluate';

function num(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** A fixed-width table: one row per object (counts summed over runs), then the weighted score. */
export function formatMetricsTable(evaluation: Evaluation): string {
  const b = evaluation.beta;
  const header = ['object', 'weight', 'thr Å', 'GT', 'pred', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1', `F${b}`];
  const rows = evaluation.objects.map((o) => [
    o.name,
    String(o.weight),
    num(o.threshold, 1),
    String(o.nGroundTruth),
    String(o.nPredicted),
    String(o.tp),
    String(o.fp),
    String(o.fn),
    num(o.precision),
    num(o.recall),
    num(o.f1),
    num(o.fbeta),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  out.push(
    `${evaluation.metric} metric, threshold = ${evaluation.distanceScale} × radius, ${evaluation.runs.length} run(s): weighted F${b} = ${num(evaluation.score, 4)}`,
  );
  return out.join('\n');
}

function jsonNumber(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function inputBlock(e: Evaluation): Record<string, unknown> {
  return {
    copick_config: e.input?.configPath ?? null,
    ground_truth_user_id: e.input?.groundTruth?.userId ?? null,
    ground_truth_session_id: e.input?.groundTruth?.sessionId ?? null,
    prediction_user_id: e.input?.predicted?.userId ?? null,
    predict_session_id: e.input?.predicted?.sessionId ?? null,
  };
}

function parameters(e: Evaluation): Record<string, unknown> {
  return { distance_threshold_scale: e.distanceScale, beta: e.beta, metric: e.metric, runIDs: e.runs.map((r) => r.run) };
}

/**
 * The content of octopi's `metrics.json`: `{input, metrics: {run: {object: {precision, recall,
 * f1_score, fbeta_score, accuracy, true_positives, false_positives, false_negatives}}}, parameters}`,
 * plus the aggregated counts and the final score.
 */
export function metricsJson(evaluation: Evaluation): Record<string, unknown> {
  const metrics: Record<string, Record<string, Record<string, number>>> = {};
  for (const r of evaluation.runs) {
    const perObject: Record<string, Record<string, number>> = {};
    for (const o of r.objects) {
      perObject[o.name] = {
        precision: o.precision,
        recall: o.recall,
        f1_score: o.f1,
        fbeta_score: o.fbeta,
        accuracy: o.accuracy,
        true_positives: o.tp,
        false_positives: o.fp,
        false_negatives: o.fn,
      };
    }
    metrics[r.run] = perObject;
  }
  return {
    input: inputBlock(evaluation),
    metrics,
    parameters: parameters(evaluation),
    aggregated_particle_scores: aggregated(evaluation),
    final_fbeta_score: evaluation.score,
  };
}

function aggregated(e: Evaluation): Record<string, Record<string, number>> {
  return Object.fromEntries(e.objects.map((o) => [o.name, { tp: o.tp, fp: o.fp, fn: o.fn, weight: o.weight, fbeta_score: o.fbeta }]));
}

/** The content of octopi's `average_metrics.yaml` (means and population stds over runs with points on both sides). */
export function averageMetrics(evaluation: Evaluation): Record<string, unknown> {
  const ms = (m: MeanStd): { mean: number | null; std: number | null } => ({ mean: jsonNumber(m.mean), std: jsonNumber(m.std) });
  const summary = Object.fromEntries(
    evaluation.objects.map((o) => [
      o.name,
      {
        precision: ms(o.perRun.precision),
        recall: ms(o.perRun.recall),
        f1_score: ms(o.perRun.f1),
        fbeta_score: ms(o.perRun.fbeta),
        accuracy: ms(o.perRun.accuracy),
        true_positives: ms(o.perRun.tp),
        false_positives: ms(o.perRun.fp),
        false_negatives: ms(o.perRun.fn),
      },
    ]),
  );
  return {
    input: inputBlock(evaluation),
    final_fbeta_score: evaluation.score,
    aggregated_particle_scores: aggregated(evaluation),
    summary_metrics: summary,
    parameters: parameters(evaluation),
  };
}

/**
 * Writes `metrics.json` and `average_metrics.yaml` into the folder `dirUrl` (a path or URL), each
 * atomically. Returns the two file URLs.
 */
export async function writeEvaluationReport(dirUrl: string, evaluation: Evaluation): Promise<{
  /** URL of `metrics.json`. */
  metricsJson: string;
  /** URL of `average_metrics.yaml`. */
  averageMetricsYaml: string
}> {
  const store = await openStore(dirUrl);
  const enc = new TextEncoder();
  // JSON.stringify writes NaN as null, which is also what octopi's readers get from numpy NaN.
  await store.set('metrics.json', enc.encode(`${JSON.stringify(metricsJson(evaluation), null, 4)}\n`));
  await store.set('average_metrics.yaml', enc.encode(YAML.stringify(averageMetrics(evaluation), { indent: 2, lineWidth: 100 })));
  return { metricsJson: joinUrl(dirUrl, 'metrics.json'), averageMetricsYaml: joinUrl(dirUrl, 'average_metrics.yaml') };
}
