/**
 * The copick project read back: config and picks parse as copick writes them, tomograms open with
 * zarrita (OME-Zarr 0.4, v2, '/' keys), every pick sits inside its tomogram on a sphere of its
 * band, and multiclass3d.onnx's argmax reproduces the label map.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import * as zarr from 'zarrita';
import FileSystemStore from '@zarrita/storage/fs';
import { describe, expect, it } from 'vitest';
import { manifest, sha256, td } from './helpers';

const cp = manifest.datasets.copick;
const config = JSON.parse(readFileSync(td('copick/copick_config.json'), 'utf8'));
const [NZ, NY, NX] = cp.shape as [number, number, number];

async function level0(path: string): Promise<Float32Array | Uint8Array> {
  const arr = await zarr.open.v2(zarr.root(new FileSystemStore(td(path))).resolve('0'), { kind: 'array' });
  return (await zarr.get(arr)).data as Float32Array | Uint8Array;
}

describe('copick_config.json', () => {
  it('declares three particle types with distinct radii and labels 1..3, and both roots', () => {
    expect(config.config_type).toBe('filesystem');
    const objs = config.pickable_objects;
    expect(objs).toHaveLength(3);
    expect(objs.map((o: { label: number }) => o.label)).toEqual([1, 2, 3]);
    expect(new Set(objs.map((o: { radius: number }) => o.radius)).size).toBe(3);
    for (const o of objs) {
      expect(o.is_particle).toBe(true);
      expect(o.name).not.toMatch(/[_<>:"/\\|?*\s]/);
      expect(o.color).toHaveLength(4);
    }
    expect(config.overlay_root).toBe('local://./overlay');
    expect(config.static_root).toBe('local://./static');
    expect(readdirSync(td('copick/static/ExperimentRuns')).sort()).toEqual(['TS_001', 'TS_002']);
    expect(readdirSync(td('copick/overlay/ExperimentRuns')).sort()).toEqual(['TS_001', 'TS_002']);
  });
});

describe.each(['TS_001', 'TS_002'])('run %s', (run) => {
  const facts = cp.runs[run];

  it('has a wbp tomogram at VoxelSpacing10.000 as OME-Zarr 0.4 in angstrom', async () => {
    const dir = `copick/static/ExperimentRuns/${run}/VoxelSpacing10.000/wbp.zarr`;
    expect(facts.tomogram.path).toBe(dir);
    const attrs = JSON.parse(readFileSync(td(dir, '.zattrs'), 'utf8'));
    const [ms] = attrs.multiscales;
    expect(ms.version).toBe('0.4');
    expect(ms.axes.map((a: { name: string; unit: string }) => [a.name, a.unit])).toEqual([
      ['z', 'angstrom'],
      ['y', 'angstrom'],
      ['x', 'angstrom'],
    ]);
    expect(ms.datasets.map((d: { coordinateTransformations: { scale: number[] }[] }) => d.coordinateTransformations[0]!.scale)).toEqual([
      [10, 10, 10],
      [20, 20, 20],
      [40, 40, 40],
    ]);
    const meta = JSON.parse(readFileSync(td(dir, '0/.zarray'), 'utf8'));
    expect(meta).toMatchObject({ dtype: '<f4', shape: [64, 96, 96], chunks: [64, 64, 64], dimension_separator: '/' });
    expect(meta.compressor).toMatchObject({ id: 'blosc', cname: 'lz4', shuffle: 1 });
    const header = readFileSync(td(dir, '0/0/0/0'));
    expect(header[2]! & 1).toBe(1); // shuffle
    expect(header[2]! >> 5).toBe(1); // lz4
    for (const level of facts.tomogram.levels) {
      const arr = await zarr.open.v2(zarr.root(new FileSystemStore(td(dir))).resolve(level.path), { kind: 'array' });
      expect(arr.dtype).toBe('float32');
      expect(arr.shape).toEqual(level.shape);
      expect(sha256((await zarr.get(arr)).data as Float32Array)).toBe(level.dataSha256);
    }
  });

  it('has copick-style ground-truth picks inside the tomogram, on spheres of their band', async () => {
    const tomo = (await level0(facts.tomogram.path)) as Float32Array;
    const labels = (await level0(facts.labelMap.path)) as Uint8Array;
    expect(sha256(labels)).toBe(facts.labelMap.dataSha256);
    for (const obj of config.pickable_objects) {
      const path = `copick/overlay/ExperimentRuns/${run}/Picks/curation_0_${obj.name}.json`;
      expect(existsSync(td(path))).toBe(true);
      const picks = JSON.parse(readFileSync(td(path), 'utf8'));
      expect(Object.keys(picks)).toEqual(['pickable_object_name', 'user_id', 'session_id', 'run_name', 'voxel_spacing', 'unit', 'points', 'trust_orientation']);
      expect(picks).toMatchObject({ pickable_object_name: obj.name, user_id: 'curation', session_id: '0', run_name: run, unit: 'angstrom' });
      expect(picks.points.length).toBeGreaterThanOrEqual(5);
      expect(picks.points.length).toBeLessThanOrEqual(8);
      const r = obj.radius / 10;
      for (const p of picks.points) {
        expect(p.transformation_).toEqual([
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 0, 1],
        ]);
        const [x, y, z] = [p.location.x / 10, p.location.y / 10, p.location.z / 10];
        for (const [v, n] of [
          [z, NZ],
          [y, NY],
          [x, NX],
        ] as const) {
          expect(v - r).toBeGreaterThanOrEqual(0);
          expect(v + r).toBeLessThanOrEqual(n - 1);
        }
        const i = (z * NY + y) * NX + x;
        expect(labels[i]).toBe(obj.label);
        expect(Math.abs(tomo[i]! - obj.label)).toBeLessThanOrEqual(0.3);
        // The whole sphere carries the label; just outside along x it does not (spheres keep a gap).
        expect(labels[i + r]).toBe(obj.label);
        expect(labels[i + r + 1]).toBe(0);
      }
      expect(picks.points.map((p: { location: { x: number; y: number; z: number } }) => [p.location.x, p.location.y, p.location.z])).toEqual(
        facts.picks[obj.name].locationsXYZAngstrom,
      );
    }
  });

  it('multiclass3d.onnx argmax equals the label map', async () => {
    const tomo = (await level0(facts.tomogram.path)) as Float32Array;
    const labels = (await level0(facts.labelMap.path)) as Uint8Array;
    const s = await ort.InferenceSession.create(td('models/multiclass3d.onnx'), { intraOpNumThreads: 1 });
    const out = (await s.run({ input: new ort.Tensor('float32', tomo, [1, 1, NZ, NY, NX]) })).logits!.data as Float32Array;
    const n = NZ * NY * NX;
    let mismatches = 0;
    const counts = [0, 0, 0, 0];
    for (let v = 0; v < n; v++) {
      let best = 0;
      for (let k = 1; k < 4; k++) if (out[k * n + v]! > out[best * n + v]!) best = k;
      if (best !== labels[v]) mismatches++;
      counts[best]! += 1;
    }
    expect(mismatches).toBe(0);
    expect(counts).toEqual(facts.labelMap.voxelsPerLabel);
    await s.release();
  });
});
