import { describe, expect, it } from 'vitest';
import { paintSphere, rng } from '../test/helpers';
import { binaryOpening6 } from './binary-morphology';
import { centerOfMass } from './center-of-mass';
import { connectedComponents } from './connected-components';
import { distanceTransformEDT } from './distance-transform';
import { localizeRun, sphereVolume } from './localize-run';
import { maximumFilter } from './maximum-filter';
import { watershed } from './watershed';
import type { Shape3 } from './volume-shape';

const METHODS = ['watershed', 'com'] as const;

describe('localizeRun', () => {
  it('returns Å in x, y, z order from a z, y, x volume (axis-order guard)', () => {
    // An anisotropic volume and a centre with three different coordinates, so any swap shows.
    const shape: Shape3 = [24, 40, 56];
    const seg = new Uint8Array(24 * 40 * 56);
    const voxels = paintSphere(seg, shape, 8, 20, 40, 5, 1);
    for (const method of METHODS) {
      const [obj] = localizeRun({ segmentation: seg, shape, voxelSize: 10, objects: [{ name: 'apo', label: 1, radius: 60 }], method });
      expect(obj!.particles).toHaveLength(1);
      const p = obj!.particles[0]!;
      expect(p.location.x).toBeCloseTo(400, 6);
      expect(p.location.y).toBeCloseTo(200, 6);
      expect(p.location.z).toBeCloseTo(80, 6);
      expect(p.voxel).toEqual([8, 20, 40]);
      if (method === 'com') {
        expect(p.voxels).toBe(voxels);
        expect(p.score).toBeCloseTo(voxels / sphereVolume(6), 9);
      }
    }
  });

  it('keeps regions inside the sphere-volume window and counts the rest', () => {
    // radius 60 Å at 10 Å: r_min 3 → V_min 113.1, r_max 6 → V_max 904.8 voxels.
    const shape: Shape3 = [30, 30, 60];
    const seg = new Uint8Array(30 * 30 * 60);
    expect(paintSphere(seg, shape, 15, 15, 8, 2, 1)).toBe(33); // too small
    paintSphere(seg, shape, 15, 15, 25, 5, 1); // 515 voxels: kept
    expect(paintSphere(seg, shape, 15, 15, 46, 8, 1)).toBeGreaterThan(905); // too large
    for (const method of METHODS) {
      const [obj] = localizeRun({ segmentation: seg, shape, voxelSize: 10, objects: [{ name: 'apo', label: 1, radius: 60 }], method });
      expect(obj!.particles.map((p) => p.voxel)).toEqual([[15, 15, 25]]);
      // The watershed's opening wipes out the 33-voxel speck's rim but its core survives as a region.
      expect(obj!.stats.tooLarge).toBe(1);
      expect(obj!.stats.tooSmall).toBe(1);
    }
  });

  it('localizes each object by its own label and ignores absent labels', () => {
    const shape: Shape3 = [24, 24, 48];
    const seg = new Uint8Array(24 * 24 * 48);
    paintSphere(seg, shape, 12, 12, 12, 5, 1);
    paintSphere(seg, shape, 12, 12, 34, 7, 2);
    const out = localizeRun({
      segmentation: seg,
      shape,
      voxelSize: 10,
      objects: [
        { name: 'a', label: 1, radius: 60 },
        { name: 'b', label: 2, radius: 80 },
        { name: 'c', label: 3, radius: 80 },
      ],
    });
    expect(out.map((o) => [o.name, o.particles.map((p) => p.voxel)])).toEqual([
      ['a', [[12, 12, 12]]],
      ['b', [[12, 12, 34]]],
      ['c', []],
    ]);
  });

  it('merges centres within r_min into their mean', () => {
    // Two parallel 20×20 slabs one voxel apart in z: separate components, centroids 2 voxels apart.
    const shape: Shape3 = [12, 24, 24];
    const seg = new Uint8Array(12 * 24 * 24);
    for (const z of [5, 7]) for (let y = 2; y < 22; y++) for (let x = 2; x < 22; x++) seg[(z * 24 + y) * 24 + x] = 1;
    // radius 50 Å: r_min 2.5 voxels (≥ 2, so they merge), V_min 65 ≤ 400 ≤ V_max 523.
    const [obj] = localizeRun({ segmentation: seg, shape, voxelSize: 10, objects: [{ name: 's', label: 1, radius: 50 }], method: 'com' });
    expect(obj!.stats.merged).toBe(1);
    expect(obj!.particles.map((p) => p.voxel)).toEqual([[6, 11.5, 11.5]]);
    expect(obj!.particles[0]!.voxels).toBe(800);
  });

  it('drops centres inside the border margin', () => {
    const shape: Shape3 = [24, 24, 56];
    const seg = new Uint8Array(24 * 24 * 56);
    paintSphere(seg, shape, 12, 12, 8, 5, 1);
    paintSphere(seg, shape, 12, 12, 30, 5, 1);
    const [obj] = localizeRun({ segmentation: seg, shape, voxelSize: 10, objects: [{ name: 'a', label: 1, radius: 60 }], borderFraction: 0.2 });
    // 0.2 · 56 = 11.2: x = 8 is in the margin, x = 30 is not.
    expect(obj!.particles.map((p) => p.voxel[2])).toEqual([30]);
    expect(obj!.stats.atBorder).toBe(1);
  });

  it('rejects bad parameters with one-line messages', () => {
    const base = { segmentation: new Uint8Array(8), shape: [2, 2, 2] as Shape3, voxelSize: 10, objects: [{ name: 'a', label: 1, radius: 60 }] };
    expect(() => localizeRun({ ...base, filterSize: 0 })).toThrow(/filterSize 0 must be a positive integer/);
    expect(() => localizeRun({ ...base, radiusMinScale: 1, radiusMaxScale: 0.5 })).toThrow(/radiusMaxScale 0.5 must be larger/);
    expect(() => localizeRun({ ...base, objects: [{ name: 'a', label: 0, radius: 60 }] })).toThrow(/label 0; labels are 1–255/);
    expect(() => localizeRun({ ...base, voxelSize: 0 })).toThrow(/voxelSize 0/);
  });

  it('splitting a sparse label into cluster boxes gives the whole-crop result (watershed and com)', () => {
    // Reference: octopi's steps composed here on the label's whole bounding box, no clustering.
    const reference = (seg: Uint8Array, shape: Shape3, label: number, filterSize: number): number[][] => {
      const [Z, Y, X] = shape;
      let z0 = Z, y0 = Y, x0 = X, z1 = -1, y1 = -1, x1 = -1;
      for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
        if (seg[(z * Y + y) * X + x] !== label) continue;
        z0 = Math.min(z0, z); y0 = Math.min(y0, y); x0 = Math.min(x0, x);
        z1 = Math.max(z1, z); y1 = Math.max(y1, y); x1 = Math.max(x1, x);
      }
      const c: Shape3 = [z1 - z0 + 1, y1 - y0 + 1, x1 - x0 + 1];
      const mask = new Uint8Array(c[0] * c[1] * c[2]);
      for (let z = 0; z < c[0]; z++) for (let y = 0; y < c[1]; y++) for (let x = 0; x < c[2]; x++) {
        mask[(z * c[1] + y) * c[2] + x] = seg[((z + z0) * Y + y + y0) * X + x + x0] === label ? 1 : 0;
      }
      const opened = binaryOpening6(mask, c);
      const dist = distanceTransformEDT(opened, c);
      const peaks = maximumFilter(dist, c, filterSize);
      const local = opened.map((v, i) => (v !== 0 && dist[i] === peaks[i] ? 1 : 0));
      const { labels, count } = connectedComponents(local, c, 6);
      const ws = watershed(dist.map((v) => -v), labels, c, opened);
      const { sizes, centres } = centerOfMass(ws, c, count);
      const out: number[][] = [];
      for (let l = 1; l <= count; l++) if (sizes[l]! > 0) out.push([centres[3 * l]! + z0, centres[3 * l + 1]! + y0, centres[3 * l + 2]! + x0, sizes[l]!]);
      return out.sort(byPosition);
    };
    const byPosition = (a: number[], b: number[]): number => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
    const rand = rng(99);
    const shape: Shape3 = [40, 256, 256];
    for (let trial = 0; trial < 3; trial++) {
      const seg = new Uint8Array(40 * 256 * 256);
      // Spheres of mixed sizes anywhere (some overlapping or touching the faces), plus a pair just
      // closer than the peak window, so there are several clusters and one that holds two blobs.
      for (let s = 0; s < 6; s++) paintSphere(seg, shape, rand() * 40, rand() * 256, rand() * 256, 2 + rand() * 6, 1);
      paintSphere(seg, shape, 20, 128, 120, 4, 1);
      paintSphere(seg, shape, 20, 128, 130, 4, 1);
      const [obj] = localizeRun({
        segmentation: seg, shape, voxelSize: 10, objects: [{ name: 'a', label: 1, radius: 100 }],
        radiusMinScale: 0, radiusMaxScale: 100, borderFraction: 0,
      });
      const got = obj!.particles.map((p) => [...p.voxel, p.voxels]);
      // No merging for this comparison: radiusMinScale 0 makes r_min 0.
      const want = reference(seg, shape, 1, 10);
      expect(got.length).toBe(want.length);
      const sorted = got.sort(byPosition);
      for (let k = 0; k < want.length; k++) for (let j = 0; j < 4; j++) expect(sorted[k]![j]!).toBeCloseTo(want[k]![j]!, 9);
      // com: the 6-connected components of the whole volume.
      const [com] = localizeRun({
        segmentation: seg, shape, voxelSize: 10, objects: [{ name: 'a', label: 1, radius: 100 }],
        method: 'com', radiusMinScale: 0, radiusMaxScale: 100, borderFraction: 0,
      });
      const cc = connectedComponents(seg, shape, 6);
      const { sizes, centres } = centerOfMass(cc.labels, shape, cc.count);
      const wantCom = Array.from({ length: cc.count }, (_, l) => [centres[3 * l + 3]!, centres[3 * l + 4]!, centres[3 * l + 5]!, sizes[l + 1]!]).sort(byPosition);
      const gotCom = com!.particles.map((p) => [...p.voxel, p.voxels]).sort(byPosition);
      expect(gotCom.length).toBe(wantCom.length);
      for (let k = 0; k < wantCom.length; k++) for (let j = 0; j < 4; j++) expect(gotCom[k]![j]!).toBeCloseTo(wantCom[k]![j]!, 9);
    }
  });
});
