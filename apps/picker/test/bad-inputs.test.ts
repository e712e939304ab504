/**
 * Bad inputs through the real CLI: each is one line on stderr naming what is wrong, the other runs
 * still finish, and the exit code is non-zero (2 for usage errors).
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCopickProject, writeMulticlassConfig } from './helpers';
import { errorLines, runCli } from './run-cli';

let dir: string;
let config: string;
let modelConfig: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, config } = await copyCopickProject('vf-picker-bad-'));
  modelConfig = await writeMulticlassConfig(dir, true);
  env = { XDG_CACHE_HOME: join(dir, 'cache') };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const segmentation = (run: string, name: string) => join(dir, 'copick/overlay/ExperimentRuns', run, 'Segmentations', `10.000_octopi_1_${name}-multilabel.zarr`);

describe('voxelflow-pick bad inputs', () => {
  it('segment: an unknown run id is one line; the other run is still segmented (octopi z-score, onnx from the config); exit 1', async () => {
    const r = await runCli(['segment', '--config', config, '--model-config', modelConfig, '--run-ids', 'TS_404,TS_001', '--ntta', '1', '--seg-info', 'partial,octopi,1', '--quiet'], env);
    expect(r.code).toBe(1);
    const errors = errorLines(r.stderr);
    expect(errors).toEqual([
      expect.stringMatching(/^voxelflow-pick: segment TS_404: copick project .*copick_config\.json has no run 'TS_404'; runs: TS_001, TS_002$/),
      'voxelflow-pick: segment: 1 of 2 runs failed (TS_404); see the lines above',
    ]);
    expect(r.stdout).toMatch(/^TS_001: 64×96×96 voxels, 75 patches × 1 TTA × 1 model/m);
    expect(existsSync(join(segmentation('TS_001', 'partial'), '0', '.zarray'))).toBe(true);
    expect(existsSync(segmentation('TS_002', 'partial'))).toBe(false);
    // The z-score statistics were computed once and cached where XDG_CACHE_HOME points.
    expect(existsSync(join(dir, 'cache', 'voxelflow', 'statistics'))).toBe(true);
  }, 60_000);

  it('segment: no tomogram at --voxel-size 7 is one line per run, listing what the run has; exit 1', async () => {
    const r = await runCli(['segment', '--config', config, '--model-config', modelConfig, '--voxel-size', '7', '--seg-info', 'vs7,octopi,1'], env);
    expect(r.code).toBe(1);
    const errors = errorLines(r.stderr);
    expect(errors).toHaveLength(3);
    for (const [i, run] of ['TS_001', 'TS_002'].entries()) {
      expect(errors[i]).toBe(
        `voxelflow-pick: segment ${run}: run ${run} has no tomogram 'wbp' at voxel spacing 7.000 Å (ExperimentRuns/${run}/VoxelSpacing7.000/wbp.zarr); it has: wbp@10.000`,
      );
    }
    expect(existsSync(join(dir, 'copick/overlay/logs/segment-octopi_1_vs7.yaml'))).toBe(false);
  }, 30_000);

  it('segment: usage errors exit 2 with one line', async () => {
    const cases: [string[], RegExp][] = [
      [['--model-weights', 'model.pth'], /--model-weights .*model\.pth is a PyTorch checkpoint; .*export the model/],
      [['--ntta', '9'], /--ntta 9: expected an integer from 1 to 8/],
      [['--seg-info', 'predict,octopi'], /--seg-info predict,octopi: expected name,user_id,session_id/],
      [['--model-config', `${modelConfig},${modelConfig}`, '--model-weights', 'a.onnx,b.onnx,c.onnx'], /names 2 configs but --model-weights 3 files/],
    ];
    const runs = await Promise.all(
      cases.map(([extra]) => runCli(['segment', '--config', config, ...(extra.includes('--model-config') ? [] : ['--model-config', modelConfig]), ...extra], env)),
    );
    runs.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(cases[i]![1])]);
    });
  }, 60_000);

  it('localize: an object the config does not have is one line naming the config and its objects; exit 1', async () => {
    const r = await runCli(['localize', '--config', config, '--seg-info', 'particles,curation,0', '--pick-objects', 'unknown'], env);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(/^voxelflow-pick: config .*copick_config\.json has no pickable object 'unknown'; objects: apo-ferritin, beta-galactosidase, ribosome$/),
    ]);
  });

  it('evaluate: a malformed picks file is one line naming the file; the other run is still scored; exit 1', async () => {
    const picks = (run: string, name: string, who: string) => join(dir, 'copick/overlay/ExperimentRuns', run, 'Picks', `${who}_${name}.json`);
    for (const name of ['apo-ferritin', 'beta-galactosidase', 'ribosome']) {
      await copyFile(picks('TS_001', name, 'curation_0'), picks('TS_001', name, 'octopi_9'));
      await copyFile(picks('TS_002', name, 'curation_0'), picks('TS_002', name, 'octopi_9'));
    }
    const bad = picks('TS_002', 'ribosome', 'octopi_9');
    const text = readFileSync(bad, 'utf8').replace(/"y": \d+/, '"y": "abc"');
    await writeFile(bad, text);
    const savePath = join(dir, 'scores-bad');
    const r = await runCli(
      ['evaluate', '--config', config, '--ground-truth-user-id', 'curation', '--ground-truth-session-id', '0', '--predict-session-id', '9', '--save-path', savePath],
      env,
    );
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      `voxelflow-pick: evaluate TS_002: malformed picks file ${bad}: points[0].location.y is "abc", expected a number (Å)`,
      'voxelflow-pick: evaluate: 1 of 2 runs failed (TS_002); see the lines above',
    ]);
    const metrics = JSON.parse(readFileSync(join(savePath, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.metrics)).toEqual(['TS_001']);
    expect(metrics.final_fbeta_score).toBe(1); // ground truth scored against itself
  }, 30_000);
});
