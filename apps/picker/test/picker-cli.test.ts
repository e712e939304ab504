/**
 * The whole octopi workflow through the real CLI on the test copick project: segment (two processes,
 * `--gpus 2 --device cpu`) with the analytic multiclass model, localize with both methods, evaluate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openCopickProject, parseSegmentationLog } from '@voxelflow/particles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copickManifest, copyCopickProject, writeMulticlassConfig } from './helpers';
import { errorLines, runCli, testData } from './run-cli';

const manifest = copickManifest();
let dir: string;
let config: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, config } = await copyCopickProject('vf-picker-flow-'));
  env = { XDG_CACHE_HOME: join(dir, 'cache') };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Label counts of a label map. */
function histogram(data: Uint8Array, n = 4): number[] {
  const h = new Array<number>(n).fill(0);
  for (let i = 0; i < data.length; i++) h[data[i]!]!++;
  return h;
}

describe('voxelflow-pick segment → localize → evaluate', () => {
  it('segments every run in two processes; the label maps equal the painted ones', async () => {
    const modelConfig = await writeMulticlassConfig(dir);
    // The analytic model wants raw intensities (bands at 0, 1, 2, 3), so the z-score is switched off.
    const r = await runCli(
      ['segment', '--config', config, '--model-config', modelConfig, '--model-weights', testData('models/multiclass3d.onnx'),
        '--normalization', 'none', '--gpus', '2', '--device', 'cpu', '--seg-info', 'predict,octopi,1'],
      env,
    );
    expect(errorLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    // Round-robin: run 0 to GPU 0, run 1 to GPU 1; each child reports its run and prints plain progress.
    expect(r.stdout).toMatch(/^\[gpu 0\] TS_001: 64×96×96 voxels, 75 patches × 4 TTA × 1 model/m);
    expect(r.stdout).toMatch(/^\[gpu 1\] TS_002: /m);
    expect(r.stderr).toMatch(/^\[gpu 0\] TS_001 75\/75 patches \(100%\)/m);

    const project = await openCopickProject(config);
    for (const run of ['TS_001', 'TS_002']) {
      const mine = await project.run(run).readSegmentation({ voxelSize: 10, name: 'predict', userId: 'octopi', sessionId: '1' });
      const painted = await project.run(run).readSegmentation({ voxelSize: 10, name: 'particles', userId: 'curation', sessionId: '0' });
      expect(mine.shape).toEqual(manifest.runs[run]!.labelMap.shape);
      expect(mine.voxelSize).toBe(10);
      expect(histogram(mine.data)).toEqual(manifest.runs[run]!.labelMap.voxelsPerLabel);
      let differ = 0;
      for (let i = 0; i < mine.data.length; i++) if (mine.data[i] !== painted.data[i]) differ++;
      expect(differ).toBe(0);
    }
    // One segment log, written by the parent, with octopi's keys and the labels of the model config.
    const log = parseSegmentationLog(readFileSync(join(dir, 'copick/overlay/logs/segment-octopi_1_predict.yaml'), 'utf8'), 'log');
    expect(log.labels).toEqual({ background: 0, 'apo-ferritin': 1, 'beta-galactosidase': 2, ribosome: 3 });
    expect(log.parameters).toMatchObject({ sw_bs: 4, overlap: 0.5, ntta: 4, normalization: 'none' });
    expect(log.inputs).toEqual({ config, tomo_alg: 'wbp', voxel_size: 10 });
    expect(log.model.weights).toEqual([testData('models/multiclass3d.onnx')]);
  }, 60_000);

  it('localizes with watershed (2 worker threads) and com; every true centre has a pick within 1 voxel', async () => {
    const w = await runCli(['localize', '--config', config, '--method', 'watershed', '--radius-max-scale', '1.2', '--n-procs', '2', '--pick-session-id', '1'], env);
    expect(errorLines(w.stderr)).toEqual([]);
    expect(w.code).toBe(0);
    const c = await runCli(['localize', '--config', config, '--method', 'com', '--runIDs', 'TS_001,TS_002', '--radius-max-scale', '1.2', '--pick-session-id', '2', '--n-procs', '1'], env);
    expect(errorLines(c.stderr)).toEqual([]);
    expect(c.code).toBe(0);
    for (const out of [w.stdout, c.stdout]) {
      // One line per run with the picks per object, as many as the manifest's centres.
      for (const run of ['TS_001', 'TS_002']) {
        const counts = manifest.particleTypes.map((p) => `${p.name} ${manifest.runs[run]!.picks[p.name]!.centresZYXVoxels.length}`);
        expect(out).toContain(`${run}: ${counts.join(', ')}`);
      }
      expect(out).toMatch(/labels from the segment log/);
    }

    const project = await openCopickProject(config);
    const vs = manifest.voxelSize;
    for (const session of ['1', '2']) {
      for (const [run, facts] of Object.entries(manifest.runs)) {
        for (const p of manifest.particleTypes) {
          const truth = facts.picks[p.name]!;
          // Guard the axis order: the manifest's Å locations are x, y, z of the z, y, x voxel centres.
          truth.centresZYXVoxels.forEach(([z, y, x], i) => expect(truth.locationsXYZAngstrom[i]).toEqual([x! * vs, y! * vs, z! * vs]));
          const picks = (await project.run(run).readPicks(p.name, 'octopi', session))!.points.map((q) => q.location);
          expect(picks.length).toBe(truth.centresZYXVoxels.length);
          for (const [z, y, x] of truth.centresZYXVoxels) {
            const nearest = Math.min(...picks.map((q) => Math.hypot(q.x / vs - x!, q.y / vs - y!, q.z / vs - z!)));
            expect(nearest).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  }, 60_000);

  it('evaluates both pick sets: F-beta(4) ≥ 0.95 for every particle type, written to metrics.json', async () => {
    for (const [session, metric] of [['1', 'kaggle'], ['2', 'octopi']] as const) {
      const savePath = join(dir, `scores-${session}`);
      const r = await runCli(
        ['evaluate', '--config', config, '--ground-truth-user-id', 'curation', '--ground-truth-session-id', '0',
          '--predict-user-id', 'octopi', '--predict-session-id', session, '--save-path', savePath, '--metric', metric],
        env,
      );
      expect(errorLines(r.stderr)).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`${metric} metric, threshold = ${metric === 'kaggle' ? 0.5 : 0.8} × radius, 2 run\\(s\\): weighted F4 = `));
      const metrics = JSON.parse(readFileSync(join(savePath, 'metrics.json'), 'utf8'));
      expect(existsSync(join(savePath, 'average_metrics.yaml'))).toBe(true);
      expect(metrics.parameters).toMatchObject({ beta: 4, metric, runIDs: ['TS_001', 'TS_002'] });
      for (const p of manifest.particleTypes) {
        expect(metrics.aggregated_particle_scores[p.name].fbeta_score).toBeGreaterThanOrEqual(0.95);
        for (const run of ['TS_001', 'TS_002']) expect(metrics.metrics[run][p.name].fbeta_score).toBeGreaterThanOrEqual(0.95);
      }
      expect(metrics.final_fbeta_score).toBeGreaterThanOrEqual(0.95);
    }
  }, 60_000);
});
