/** Writing to a copick project (a temp copy of the committed one): picks, segmentations, logs, bad files. */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MalformedPicksError,
  SegmentationLogError,
  UnknownObjectError,
  formatSegmentationLog,
  makePoint,
  openCopickProject,
  readSegmentationLog,
  writeSegmentationLog,
  type CopickProject,
  type SegmentationLog,
} from '../src/index';
import { copyTestProject, paintSphere } from './helpers';

let dir: string;
let project: CopickProject;
const picksDir = (run: string): string => join(dir, 'overlay', 'ExperimentRuns', run, 'Picks');

beforeAll(async () => {
  const copy = await copyTestProject();
  dir = copy.dir;
  project = await openCopickProject(copy.config);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('picks files', () => {
  it('writes copick’s JSON layout and reads it back', async () => {
    const url = await project.writePicks('TS_001', 'ribosome', 'voxelflow', '1', [makePoint({ x: 615.5, y: 20, z: 330.25 }, 0.75)]);
    expect(url).toBe(join(picksDir('TS_001'), 'voxelflow_1_ribosome.json'));
    const text = await readFile(url, 'utf8');
    // copick's field order, `transformation_` with its underscore, 4-space indent, no final newline.
    const keys = [...text.matchAll(/^\s*"([a-z_]+)":/gm)].map((m) => m[1]);
    expect(keys).toEqual([
      'pickable_object_name', 'user_id', 'session_id', 'run_name', 'voxel_spacing', 'unit', 'points',
      'location', 'x', 'y', 'z', 'transformation_', 'instance_id', 'score', 'trust_orientation',
    ]);
    expect(text.startsWith('{\n    "pickable_object_name": "ribosome",\n    "user_id": "voxelflow",\n    "session_id": "1",\n    "run_name": "TS_001",\n    "voxel_spacing": null,\n    "unit": "angstrom",')).toBe(true);
    expect(text.endsWith('}')).toBe(true);
    const back = await project.readPicks('TS_001', 'ribosome', 'voxelflow', '1');
    expect(back?.points).toEqual([{ location: { x: 615.5, y: 20, z: 330.25 }, transformation_: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], instance_id: 0, score: 0.75 }]);
    // Atomic writes leave no temp files behind.
    expect((await readdir(picksDir('TS_001'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses objects the config lacks and deletes picks files', async () => {
    await expect(project.writePicks('TS_001', 'proteasome', 'voxelflow', '1', [])).rejects.toThrow(UnknownObjectError);
    await project.writePicks('TS_002', 'apo-ferritin', 'voxelflow', '9', []);
    expect(await project.deletePicks('TS_002', 'apo-ferritin', 'voxelflow', '9')).toBe(true);
    expect(await project.deletePicks('TS_002', 'apo-ferritin', 'voxelflow', '9')).toBe(false);
    expect(await project.readPicks('TS_002', 'apo-ferritin', 'voxelflow', '9')).toBeUndefined();
  });

  it('reads files without score or trust_orientation with copick’s defaults (the Kaggle files)', async () => {
    const file = join(picksDir('TS_002'), 'kaggle_0_ribosome.json');
    await writeFile(file, JSON.stringify({ pickable_object_name: 'ribosome', user_id: 'kaggle', session_id: '0', run_name: 'TS_002', voxel_spacing: null, unit: 'angstrom', points: [{ location: { x: 1, y: 2, z: 3 }, transformation_: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], instance_id: 0 }] }));
    const picks = await project.readPicks('TS_002', 'ribosome', 'kaggle', '0');
    expect(picks?.points[0]?.score).toBe(1);
    expect(picks?.trust_orientation).toBe(true);
  });

  it('malformed files are typed errors that name the file and the problem', async () => {
    const file = join(picksDir('TS_002'), 'broken_0_ribosome.json');
    await writeFile(file, '{"points": [ {"location": {"x": 1, "y": 2');
    await expect(project.readPicks('TS_002', 'ribosome', 'broken', '0')).rejects.toThrow(MalformedPicksError);
    await expect(project.readPicks('TS_002', 'ribosome', 'broken', '0')).rejects.toThrow(new RegExp(`^malformed picks file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    await writeFile(file, JSON.stringify({ points: [{ location: { x: 1, y: 2, z: 3 } }, { location: { x: 1, y: 'abc', z: 3 } }] }));
    await expect(project.readPicks('TS_002', 'ribosome', 'broken', '0')).rejects.toThrow(`malformed picks file ${file}: points[1].location.y is "abc", expected a number (Å)`);
    await writeFile(file, JSON.stringify({ pickable_object_name: 'ribosome' }));
    await expect(project.readPicks('TS_002', 'ribosome', 'broken', '0')).rejects.toThrow(`malformed picks file ${file}: it has no "points" list`);
    await writeFile(file, JSON.stringify({ points: [{ location: { x: 1, y: 2, z: 3 }, transformation_: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1]] }] }));
    await expect(project.readPicks('TS_002', 'ribosome', 'broken', '0')).rejects.toThrow(/points\[0\]\.transformation_ has last row \[0,0,1,1\]; copick requires \[0, 0, 0, 1\]$/);
  });
});

describe('segmentations', () => {
  const shape = [20, 24, 28] as const;
  const data = new Uint8Array(20 * 24 * 28);
  paintSphere(data, shape, 10, 12, 14, 6, 2);
  paintSphere(data, shape, 4, 4, 4, 3, 1);

  for (const version of ['0.4', '0.5'] as const) {
    it(`writes a uint8 multilabel OME-Zarr (NGFF ${version}) with the voxel size as scale, and reads it back`, async () => {
      const run = project.run('TS_002');
      const name = `predict${version.replace('.', '')}`;
      const url = await run.writeSegmentation({ voxelSize: 7.5, name, userId: 'voxelflow', sessionId: '1', data, shape, ngffVersion: version });
      expect(url).toBe(join(dir, 'overlay', 'ExperimentRuns', 'TS_002', 'Segmentations', `7.500_voxelflow_1_${name}-multilabel.zarr`));
      const back = await run.readSegmentation({ voxelSize: 7.5, name, userId: 'voxelflow', sessionId: '1' });
      expect(back.shape).toEqual([...shape]);
      expect(back.voxelSize).toBe(7.5);
      expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
      if (version === '0.4') {
        const attrs = JSON.parse(await readFile(join(url, '.zattrs'), 'utf8'));
        const ms = attrs.multiscales[0];
        expect(ms.version).toBe('0.4');
        expect(ms.axes.map((a: { name: string; unit: string }) => `${a.name}:${a.unit}`)).toEqual(['z:angstrom', 'y:angstrom', 'x:angstrom']);
        expect(ms.datasets).toEqual([{ path: '0', coordinateTransformations: [{ type: 'scale', scale: [7.5, 7.5, 7.5] }] }]);
        const zarray = JSON.parse(await readFile(join(url, '0', '.zarray'), 'utf8'));
        expect([zarray.zarr_format, zarray.dtype, zarray.dimension_separator]).toEqual([2, '|u1', '/']);
      } else {
        const group = JSON.parse(await readFile(join(url, 'zarr.json'), 'utf8'));
        expect(group.attributes.ome.version).toBe('0.5');
        expect(group.attributes.ome.multiscales[0].datasets[0].coordinateTransformations).toEqual([{ type: 'scale', scale: [7.5, 7.5, 7.5] }]);
        const arr = JSON.parse(await readFile(join(url, '0', 'zarr.json'), 'utf8'));
        expect([arr.zarr_format, arr.data_type, arr.dimension_names]).toEqual([3, 'uint8', ['z', 'y', 'x']]);
      }
    });
  }

  it('rewrites over an earlier segmentation without leaving its chunks', async () => {
    const run = project.run('TS_002');
    const id = { voxelSize: 10, name: 'rewrite', userId: 'voxelflow', sessionId: '1' };
    await run.writeSegmentation({ ...id, data, shape, chunkShape: [8, 8, 8] });
    const zeros = new Uint8Array(data.length);
    zeros[0] = 3;
    await run.writeSegmentation({ ...id, data: zeros, shape });
    const back = await run.readSegmentation(id);
    expect(back.data.reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('segment log', () => {
  const log: SegmentationLog = {
    inputs: { config: 'copick_config.json', tomo_alg: 'wbp', voxel_size: 10 },
    model: { configs: ['model.yaml'], weights: ['model.onnx'] },
    labels: { 'apo-ferritin': 1, ribosome: 3 },
    parameters: { sw_bs: 4, overlap: 0.5, ntta: 4 },
    outputs: { seg_name: 'predict', seg_user_id: 'voxelflow', seg_session_id: '1' },
  };

  it('is written as octopi writes it and read back', async () => {
    const url = await writeSegmentationLog(project, log);
    expect(url).toBe(join(dir, 'overlay', 'logs', 'segment-voxelflow_1_predict.yaml'));
    const text = await readFile(url, 'utf8');
    expect(text).toBe(
      [
        'inputs:',
        '  config: copick_config.json',
        '  tomo_alg: wbp',
        '  voxel_size: 10',
        'model:',
        '  configs: [model.yaml]',
        '  weights: [model.onnx]',
        'labels:',
        '  apo-ferritin: 1',
        '  ribosome: 3',
        'parameters:',
        '  sw_bs: 4',
        '  overlap: 0.5',
        '  ntta: 4',
        'outputs:',
        '  seg_name: predict',
        '  seg_user_id: voxelflow',
        "  seg_session_id: '1'",
        '',
      ].join('\n'),
    );
    expect(formatSegmentationLog(log)).toBe(text);
    expect(await readSegmentationLog(project, { name: 'predict', userId: 'voxelflow', sessionId: '1' })).toEqual(log);
    expect(await readSegmentationLog(project, { name: 'other', userId: 'voxelflow', sessionId: '1' })).toBeUndefined();
  });

  it('a log without labels is a typed error naming the file', async () => {
    await mkdir(join(dir, 'overlay', 'logs'), { recursive: true });
    const file = join(dir, 'overlay', 'logs', 'segment-voxelflow_1_nolabels.yaml');
    await writeFile(file, 'inputs:\n  tomo_alg: wbp\n');
    await expect(readSegmentationLog(project, { name: 'nolabels', userId: 'voxelflow', sessionId: '1' })).rejects.toThrow(SegmentationLogError);
    await expect(readSegmentationLog(project, { name: 'nolabels', userId: 'voxelflow', sessionId: '1' })).rejects.toThrow(
      `segment log ${file}: it has no "labels" mapping (object name → segmentation value)`,
    );
  });
});
