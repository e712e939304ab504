/**
 * The committed copick test project, read only: config, runs, tomograms, picks and the ground-truth
 * label map against test-data/MANIFEST.json; then localize the label map and evaluate the result.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CopickConfigError,
  InvalidCopickNameError,
  RunNotFoundError,
  SegmentationError,
  TomogramNotFoundError,
  UnknownObjectError,
  evaluatePoints,
  localizeRun,
  openCopickProject,
  type CopickProject,
  type LocalizeMethod,
} from '../src/index';
import { TEST_COPICK_CONFIG, TEST_COPICK_DIR, copickManifest, type CopickManifest } from './helpers';

let project: CopickProject;
let manifest: CopickManifest;
const GT = { userId: 'curation', sessionId: '0' };
const SEG = { voxelSize: 10, name: 'particles', userId: 'curation', sessionId: '0' };

beforeAll(async () => {
  project = await openCopickProject(TEST_COPICK_CONFIG);
  manifest = await copickManifest();
});

describe('copick project (committed test data)', () => {
  it('reads the config with the objects, labels and radii of the manifest', () => {
    expect(project.config.pickable_objects.map((o) => [o.name, o.label, o.radius, o.is_particle])).toEqual(
      manifest.particleTypes.map((t) => [t.name, t.label, t.radius, true]),
    );
    expect(project.config.user_id).toBe('voxelflow');
    expect(project.config.session_id).toBe('1');
    // local://./overlay is resolved against the config's folder, not the working directory.
    expect(project.overlay.url).toBe(join(TEST_COPICK_DIR, 'overlay'));
    expect(project.staticRoot?.url).toBe(join(TEST_COPICK_DIR, 'static'));
  });

  it('lists the runs from both roots, and the voxel spacings and tomogram types of a run', async () => {
    expect(await project.runs()).toEqual(Object.keys(manifest.runs).sort());
    const run = project.run('TS_001');
    expect(await run.voxelSpacings()).toEqual([10]);
    expect(await run.tomogramTypes(10)).toEqual(['wbp']);
    expect(await run.tomogramUrl(10, 'wbp')).toBe(join(TEST_COPICK_DIR, 'static', 'ExperimentRuns', 'TS_001', 'VoxelSpacing10.000', 'wbp.zarr'));
  });

  it('opens tomograms at the level the NGFF metadata names, with voxel size in Å', async () => {
    const run = project.run('TS_002');
    const full = await run.openTomogram(10, 'wbp');
    expect([...full.shape]).toEqual(manifest.shape);
    expect(full.dtype).toBe('float32');
    expect(full.geometry.spacing).toEqual([10, 10, 10]);
    const half = await run.openTomogram(10, 'wbp', { level: 1 });
    expect([...half.shape]).toEqual(manifest.shape.map((s) => Math.ceil(s / 2)));
    expect(half.geometry.spacing).toEqual([20, 20, 20]);
  });

  it('reads the ground-truth picks: Å in x, y, z, equal to the manifest centres', async () => {
    for (const [runName, run] of Object.entries(manifest.runs)) {
      for (const [object, expected] of Object.entries(run.picks)) {
        const picks = await project.readPicks(runName, object, GT.userId, GT.sessionId);
        expect(picks?.pickable_object_name).toBe(object);
        const locs = picks!.points.map((p) => [p.location.x, p.location.y, p.location.z]);
        expect(locs).toEqual(expected.locationsXYZAngstrom);
        // Voxel z, y, x × 10 Å reversed is the Å x, y, z location (no half-voxel offset).
        expect(locs).toEqual(expected.centresZYXVoxels.map(([z, y, x]) => [x * 10, y * 10, z * 10]));
        expect(picks!.points.every((p) => p.score === 1 && p.instance_id === 0 && p.transformation_[3]!.join() === '0,0,0,1')).toBe(true);
      }
    }
    const refs = await project.run('TS_001').listPicks();
    expect(refs.map((r) => `${r.userId}/${r.sessionId}/${r.objectName}@${r.root}`).sort()).toEqual(
      ['apo-ferritin', 'beta-galactosidase', 'ribosome'].map((o) => `curation/0/${o}@overlay`),
    );
    expect(await project.readPicks('TS_001', 'ribosome', 'nobody', '0')).toBeUndefined();
  });

  it('reads the ground-truth label map with the manifest voxel counts', async () => {
    for (const [runName, run] of Object.entries(manifest.runs)) {
      const r = project.run(runName);
      expect((await r.listSegmentations()).map((s) => [s.name, s.userId, s.sessionId, s.voxelSize, s.multilabel])).toEqual([['particles', 'curation', '0', 10, true]]);
      const seg = await r.readSegmentation(SEG);
      expect(seg.shape).toEqual(run.labelMap.shape);
      expect(seg.voxelSize).toBe(10);
      const counts = new Array<number>(run.labelMap.voxelsPerLabel.length).fill(0);
      for (const v of seg.data) counts[v]!++;
      expect(counts).toEqual(run.labelMap.voxelsPerLabel);
    }
  });

  // The painted spheres hold every voxel within r of the centre: 925 voxels for r = 6, more than the
  // continuous 4/3·π·6³ = 904.8 that radiusMaxScale 1.0 allows. Network targets are painted at ~0.7·r
  // and pass; full-size spheres need a little headroom.
  for (const method of ['watershed', 'com'] as LocalizeMethod[]) {
    it(`localizes the label map with ${method}: a pick within 1 voxel of every true centre, F-beta ≥ 0.95`, async () => {
      const objects = project.particleObjects().map((o) => ({ name: o.name, label: o.label, radius: o.radius! }));
      const evalRuns = [];
      for (const [runName, run] of Object.entries(manifest.runs)) {
        const seg = await project.run(runName).readSegmentation(SEG);
        const found = localizeRun({ segmentation: seg.data, shape: seg.shape, voxelSize: 10, objects, method, radiusMaxScale: 1.2 });
        const points: Record<string, { predicted: { x: number; y: number; z: number }[]; groundTruth: { x: number; y: number; z: number }[] }> = {};
        for (const o of found) {
          const centres = run.picks[o.name]!.centresZYXVoxels;
          for (const [z, y, x] of centres) {
            const nearest = Math.min(...o.particles.map((p) => Math.hypot(p.voxel[0] - z, p.voxel[1] - y, p.voxel[2] - x)));
            expect(nearest, `${runName} ${o.name} (${z}, ${y}, ${x})`).toBeLessThanOrEqual(1);
          }
          expect(o.particles).toHaveLength(centres.length);
          const gt = await project.readPicks(runName, o.name, GT.userId, GT.sessionId);
          points[o.name] = { predicted: o.particles.map((p) => p.location), groundTruth: gt!.points.map((p) => p.location) };
        }
        evalRuns.push({ run: runName, points });
      }
      const specs = objects.map((o) => ({ name: o.name, radius: o.radius }));
      for (const metric of ['kaggle', 'octopi'] as const) {
        const e = evaluatePoints(specs, evalRuns, { metric });
        for (const o of e.objects) expect(o.fbeta, `${metric} ${o.name}`).toBeGreaterThanOrEqual(0.95);
      }
    });
  }
});

describe('copick errors (one line, naming the culprit)', () => {
  it('an object the config lacks', () => {
    expect(() => project.getObject('ribosomes')).toThrow(UnknownObjectError);
    expect(() => project.getObject('ribosomes')).toThrow(
      `config ${TEST_COPICK_CONFIG} has no pickable object 'ribosomes'; objects: apo-ferritin, beta-galactosidase, ribosome`,
    );
  });

  it('a run without a tomogram at that voxel size, or of that type', async () => {
    const run = project.run('TS_001');
    await expect(run.tomogramUrl(20, 'wbp')).rejects.toThrow(TomogramNotFoundError);
    await expect(run.tomogramUrl(20, 'wbp')).rejects.toThrow(
      "run TS_001 has no tomogram 'wbp' at voxel spacing 20.000 Å (ExperimentRuns/TS_001/VoxelSpacing20.000/wbp.zarr); it has: wbp@10.000",
    );
    await expect(run.openTomogram(10, 'denoised')).rejects.toThrow(/no tomogram 'denoised' at voxel spacing 10\.000 Å .*it has: wbp@10\.000$/);
  });

  it('names with underscores, unknown runs and segmentations, and missing or invalid configs', async () => {
    await expect(project.readPicks('TS_001', 'ribosome', 'my_user', '0')).rejects.toThrow(InvalidCopickNameError);
    await expect(project.readPicks('TS_001', 'ribosome', 'my_user', '0')).rejects.toThrow(
      "invalid copick user id 'my_user': copick names must not contain '_' (it separates user, session and name in file names); use '-' instead",
    );
    await expect(project.getRun('TS_003')).rejects.toThrow(new RunNotFoundError(TEST_COPICK_CONFIG, 'TS_003', ['TS_001', 'TS_002']).message);
    await expect(project.run('TS_001').readSegmentation({ ...SEG, name: 'predict' })).rejects.toThrow(SegmentationError);
    await expect(project.run('TS_001').readSegmentation({ ...SEG, name: 'predict' })).rejects.toThrow(
      'run TS_001 has no segmentation 10.000_curation_0_predict-multilabel.zarr; it has: 10.000_curation_0_particles-multilabel',
    );
    await expect(openCopickProject(join(TEST_COPICK_DIR, 'nope.json'))).rejects.toThrow(CopickConfigError);
    await expect(openCopickProject(join(TEST_COPICK_DIR, 'nope.json'))).rejects.toThrow(/nope\.json not found; check the path$/);
  });
});
