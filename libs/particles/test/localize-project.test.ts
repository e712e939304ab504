/**
 * localizeProject end to end on a temp copy of the committed project: inline and over worker threads,
 * picks written to the overlay, stale picks removed, labels from the segment log; then evaluateProject
 * and its report files.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalizeRunError,
  UnknownObjectError,
  evaluateProject,
  evaluateRun,
  formatMetricsTable,
  localizeProject,
  openCopickProject,
  resolveLocalizeTargets,
  writeEvaluationReport,
  writeSegmentationLog,
  type CopickProject,
} from '../src/index';
import { copyTestProject } from './helpers';

let dir: string;
let project: CopickProject;
const SEG = { name: 'particles', userId: 'curation', sessionId: '0', voxelSize: 10 };
const GT = { userId: 'curation', sessionId: '0' };
// `npm test` builds every package first and sets VOXELFLOW_TEST_DIST=1: then the pool runs the built
// worker (dist/localize-worker.js, loading built packages); otherwise the TypeScript one through tsx.
const workerUrl = process.env['VOXELFLOW_TEST_DIST'] === '1' ? new URL('../dist/localize-worker.js', import.meta.url) : undefined;
// Full-size painted spheres need headroom above the continuous sphere volume (see copick-project.test.ts).
const PARAMS = { radiusMaxScale: 1.2 };

beforeAll(async () => {
  const copy = await copyTestProject();
  dir = copy.dir;
  project = await openCopickProject(copy.config);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function picksOf(sessionId: string): Promise<Record<string, number[][]>> {
  const out: Record<string, number[][]> = {};
  for (const run of await project.runs()) {
    for (const o of project.particleObjects()) {
      const p = await project.readPicks(run, o.name, 'voxelflow', sessionId);
      out[`${run}/${o.name}`] = (p?.points ?? []).map((q) => [q.location.x, q.location.y, q.location.z, q.score]);
    }
  }
  return out;
}

describe('localizeProject', () => {
  it('inline (nProcs 1) and over 2 worker threads write the same picks, and they score ≥ 0.95', async () => {
    const inline = await localizeProject(project, { ...PARAMS, segmentation: SEG, pick: { userId: 'voxelflow', sessionId: '1' }, nProcs: 1 });
    expect(inline.nProcs).toBe(1);
    expect(inline.labelSource).toBe('config');
    expect(inline.runs.map((r) => [r.run, r.status, r.objects.map((o) => `${o.name}:${o.action}:${o.count}`)])).toEqual([
      ['TS_001', 'done', ['apo-ferritin:written:6', 'beta-galactosidase:written:6', 'ribosome:written:5']],
      ['TS_002', 'done', ['apo-ferritin:written:7', 'beta-galactosidase:written:5', 'ribosome:written:6']],
    ]);
    const seen: string[] = [];
    const pooled = await localizeProject(project, { ...PARAMS, segmentation: SEG, pick: { userId: 'voxelflow', sessionId: '2' }, nProcs: 2, ...(workerUrl ? { workerUrl } : {}), onRun: (s) => seen.push(s.run) });
    expect(pooled.nProcs).toBe(2);
    expect(seen.sort()).toEqual(['TS_001', 'TS_002']);
    expect(pooled.runs.map((r) => r.run)).toEqual(['TS_001', 'TS_002']);
    expect(await picksOf('2')).toEqual(await picksOf('1'));

    for (const metric of ['kaggle', 'octopi'] as const) {
      const e = await evaluateProject(project, { groundTruth: GT, predicted: { userId: 'voxelflow', sessionId: '2' }, metric });
      expect(e.objects.map((o) => o.name)).toEqual(['apo-ferritin', 'beta-galactosidase', 'ribosome']);
      for (const o of e.objects) expect(o.fbeta).toBeGreaterThanOrEqual(0.95);
      expect(e.score).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('removes a stale picks file when a run has nothing for an object', async () => {
    // Label 9 is absent from the label map, so nothing is found for ribosome: the earlier file goes.
    await project.writePicks('TS_001', 'ribosome', 'voxelflow', '3', []);
    const r = await localizeProject(project, { ...PARAMS, segmentation: SEG, pick: { userId: 'voxelflow', sessionId: '3' }, labels: { ribosome: 9 }, runs: ['TS_001'] });
    expect(r.labelSource).toBe('option');
    expect(r.runs[0]!.objects.map((o) => [o.name, o.action])).toEqual([['ribosome', 'deleted-stale']]);
    expect(await project.readPicks('TS_001', 'ribosome', 'voxelflow', '3')).toBeUndefined();
  });

  it('takes labels from the segment log and drops objects it does not list', async () => {
    await writeSegmentationLog(project, {
      inputs: { config: 'copick_config.json', tomo_alg: 'wbp', voxel_size: 10 },
      model: { configs: ['m.yaml'], weights: ['m.onnx'] },
      labels: { background: 0, 'apo-ferritin': 1, ribosome: 3 },
      outputs: { seg_name: 'particles', seg_user_id: 'curation', seg_session_id: '0' },
    });
    const t = await resolveLocalizeTargets(project, SEG);
    expect(t.labelSource).toBe('segment-log');
    expect(t.objects).toEqual([
      { name: 'apo-ferritin', label: 1, radius: 60 },
      { name: 'ribosome', label: 3, radius: 110 },
    ]);
    await expect(resolveLocalizeTargets(project, SEG, { names: ['beta-galactosidase'] })).rejects.toThrow(/nothing to localize/);
    await expect(resolveLocalizeTargets(project, SEG, { names: ['proteasome'] })).rejects.toThrow(UnknownObjectError);
  });

  it('skips runs without the segmentation and reports a failing run by name', async () => {
    const r = await localizeProject(project, { segmentation: { ...SEG, name: 'missing' }, pick: { userId: 'voxelflow', sessionId: '4' }, labels: { ribosome: 3 } });
    expect(r.runs.map((s) => s.status)).toEqual(['no-segmentation', 'no-segmentation']);
    // A segmentation whose metadata is broken fails inside the worker; the error names the run.
    const broken = join(dir, 'overlay', 'ExperimentRuns', 'TS_002', 'Segmentations', '10.000_curation_0_particles-multilabel.zarr', '0', '.zarray');
    await writeFile(broken, '{ not json');
    const failure = await localizeProject(project, { ...PARAMS, segmentation: SEG, pick: { userId: 'voxelflow', sessionId: '5' }, labels: { ribosome: 3 }, nProcs: 2, ...(workerUrl ? { workerUrl } : {}) }).catch(
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(LocalizeRunError);
    expect((failure as LocalizeRunError).runName).toBe('TS_002');
    expect((failure as Error).message).toMatch(/^localizing run 'TS_002' failed: .*\.zarray/);
  });
});

describe('evaluation reports', () => {
  it('writes metrics.json and average_metrics.yaml with octopi’s keys', async () => {
    const e = await evaluateProject(project, { groundTruth: GT, predicted: { userId: 'voxelflow', sessionId: '1' } });
    const out = await writeEvaluationReport(join(dir, 'scores'), e);
    const json = JSON.parse(await readFile(out.metricsJson, 'utf8'));
    expect(Object.keys(json)).toEqual(['input', 'metrics', 'parameters', 'aggregated_particle_scores', 'final_fbeta_score']);
    expect(json.input).toEqual({
      copick_config: project.configPath,
      ground_truth_user_id: 'curation',
      ground_truth_session_id: '0',
      prediction_user_id: 'voxelflow',
      predict_session_id: '1',
    });
    expect(Object.keys(json.metrics)).toEqual(['TS_001', 'TS_002']);
    expect(json.metrics.TS_001.ribosome.true_positives).toBe(5);
    expect(json.parameters).toEqual({ distance_threshold_scale: 0.5, beta: 4, metric: 'kaggle', runIDs: ['TS_001', 'TS_002'] });
    const yaml = await readFile(out.averageMetricsYaml, 'utf8');
    expect(yaml).toMatch(/^final_fbeta_score: 1$/m);
    expect(yaml).toMatch(/^summary_metrics:\n {2}apo-ferritin:\n {4}precision:\n {6}mean: 1\n {6}std: 0$/m);
    expect(formatMetricsTable(e).split('\n')).toHaveLength(6);
    const one = await evaluateRun(project, 'TS_002', { groundTruth: GT, predicted: { userId: 'voxelflow', sessionId: '1' }, objects: ['ribosome'] });
    expect(one.objects.map((o) => [o.name, o.tp, o.fp, o.fn, o.fbeta])).toEqual([['ribosome', 6, 0, 0, 1]]);
  });
});
