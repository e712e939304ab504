/**
 * Particle localization in one multilabel segmentation, following octopi's `localize`:
 *
 * - watershed: per label, crop to the label's bounding box, open with the 6-connected cross, take the
 *   Euclidean distance transform, mark voxels equal to the maximum of their `filterSize`³ window as
 *   peaks, label the peaks (6-connected) as markers, flood −distance from them within the opened
 *   mask, and keep regions with V_min ≤ voxels ≤ V_max;
 * - com: label the mask's 6-connected components and keep those with V_min < voxels < V_max.
 *
 * V_min / V_max are sphere volumes 4/3·π·r³ at r = radius·radiusMinScale / voxelSize and
 * radius·radiusMaxScale / voxelSize. Centres are unweighted centroids; centres within r_min voxels of
 * each other are merged into their mean; centres within 0.5 % of the volume's extent from a face are
 * dropped. Output is Å in x, y, z order (one z, y, x convention throughout: octopi's `com` x/z swap is
 * not reproduced).
 */
import { binaryDilation6, binaryErosion6 } from './binary-morphology';
import { centerOfMass } from './center-of-mass';
import { connectedComponents } from './connected-components';
import { distanceTransformEDT } from './distance-transform';
import { ParticlesArgumentError } from './errors';
import { maximumFilter } from './maximum-filter';
import { mergeClosePoints, type WeightedPoint } from './merge-close-points';
import type { PointXYZ } from './picks-file';
import { checkShape, type Shape3 } from './volume-shape';
import { watershed } from './watershed';

/** `watershed` (octopi's default) or `com` (connected components' centres of mass). */
export type LocalizeMethod = 'watershed' | 'com';

/** An object to localize: its segmentation label and its radius in Å. */
export interface LocalizeObjectSpec {
  name: string;
  /** Value of the object's voxels in the segmentation (1–255). */
  label: number;
  /** Radius in Å (the copick config's `radius`). */
  radius: number;
}

/** Parameters shared by {@link localizeRun} and `localizeProject`; defaults are octopi's CLI defaults. */
export interface LocalizeParameters {
  /** Default 'watershed'. */
  method?: LocalizeMethod;
  /** Smallest kept particle: a sphere of radius·radiusMinScale (default 0.5). */
  radiusMinScale?: number;
  /** Largest kept particle: a sphere of radius·radiusMaxScale (default 1.0). */
  radiusMaxScale?: number;
  /** Edge of the peak-detection window in voxels (watershed only; default 10). */
  filterSize?: number;
  /** Fraction of each axis' extent next to each face where centres are dropped (default 0.005). */
  borderFraction?: number;
}

/** Options of {@link localizeRun}. */
export interface LocalizeRunOptions extends LocalizeParameters {
  /** Multilabel segmentation (z, y, x), uint8. */
  segmentation: Uint8Array;
  shape: Shape3;
  /** Voxel size in Å. */
  voxelSize: number;
  objects: readonly LocalizeObjectSpec[];
}

/** One localized particle. */
export interface LocalizedParticle {
  /** Centre in Å, x/y/z (copick order and units). */
  location: PointXYZ;
  /** Centre in voxels, (z, y, x) array order. */
  voxel: [number, number, number];
  /** Voxels of the region (summed over merged regions). */
  voxels: number;
  /**
   * The region's volume as a fraction of the particle's sphere (config radius), capped at 1: a blob
   * the size of the particle scores 1, a fragment less. Merged picks keep the highest score.
   */
  score: number;
}

/** Counts of what happened to the candidate regions of one object. */
export interface LocalizeStats {
  /** Regions found (watershed basins or components). */
  regions: number;
  tooSmall: number;
  tooLarge: number;
  /** Centres removed by merging with a nearby centre. */
  merged: number;
  /** Centres dropped for lying within the border margin. */
  atBorder: number;
}

/** The particles of one object. */
export interface LocalizedObject {
  name: string;
  label: number;
  particles: LocalizedParticle[];
  stats: LocalizeStats;
}

/** Resolved numeric parameters. */
interface Resolved {
  method: LocalizeMethod;
  radiusMinScale: number;
  radiusMaxScale: number;
  filterSize: number;
  borderFraction: number;
}

/** Checks and fills in the defaults of `p`. Throws {@link ParticlesArgumentError}. */
export function resolveLocalizeParameters(p: LocalizeParameters): Required<LocalizeParameters> {
  const r: Resolved = {
    method: p.method ?? 'watershed',
    radiusMinScale: p.radiusMinScale ?? 0.5,
    radiusMaxScale: p.radiusMaxScale ?? 1.0,
    filterSize: p.filterSize ?? 10,
    borderFraction: p.borderFraction ?? 0.005,
  };
  if (r.method !== 'watershed' && r.method !== 'com') throw new ParticlesArgumentError(`localize: method ${JSON.stringify(r.method)} is not 'watershed' or 'com'`);
  if (!(r.radiusMinScale >= 0)) throw new ParticlesArgumentError(`localize: radiusMinScale ${r.radiusMinScale} must be ≥ 0`);
  if (!(r.radiusMaxScale > r.radiusMinScale)) {
    throw new ParticlesArgumentError(`localize: radiusMaxScale ${r.radiusMaxScale} must be larger than radiusMinScale ${r.radiusMinScale}`);
  }
  if (!Number.isInteger(r.filterSize) || r.filterSize < 1) throw new ParticlesArgumentError(`localize: filterSize ${r.filterSize} must be a positive integer (voxels)`);
  if (!(r.borderFraction >= 0 && r.borderFraction < 0.5)) throw new ParticlesArgumentError(`localize: borderFraction ${r.borderFraction} must be in [0, 0.5)`);
  return r;
}

/** Volume (voxels) of a sphere of radius `r` voxels. */
export function sphereVolume(r: number): number {
  return (4 / 3) * Math.PI * r * r * r;
}

/** Bounding box [z0, y0, x0, z1, y1, x1] (inclusive) of every label 1..255 present; z0 = −1 when absent. */
function labelBoxes(seg: Uint8Array, shape: Shape3): Int32Array {
  const [Z, Y, X] = shape;
  const box = new Int32Array(256 * 6);
  for (let l = 0; l < 256; l++) {
    box[l * 6] = -1;
    box[l * 6 + 1] = Y;
    box[l * 6 + 2] = X;
    box[l * 6 + 3] = -1;
    box[l * 6 + 4] = -1;
    box[l * 6 + 5] = -1;
  }
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const l = seg[i]!;
        if (l === 0) continue;
        const b = l * 6;
        if (box[b] === -1) box[b] = z; // z is visited in increasing order
        if (y < box[b + 1]!) box[b + 1] = y;
        if (x < box[b + 2]!) box[b + 2] = x;
        box[b + 3] = z;
        if (y > box[b + 4]!) box[b + 4] = y;
        if (x > box[b + 5]!) box[b + 5] = x;
      }
    }
  }
  return box;
}

/** Centres (crop voxel coordinates) and sizes of the regions of one label that pass the size window. */
interface Candidates {
  points: WeightedPoint[];
  regions: number;
  tooSmall: number;
  tooLarge: number;
}

function watershedCandidates(mask: Uint8Array, shape: Shape3, filterSize: number, vMin: number, vMax: number, sphere: number): Candidates {
  const n = mask.length;
  const eroded = binaryErosion6(mask, shape);
  const opened = binaryDilation6(eroded, shape, mask); // the crop mask is not needed any more
  let any = false;
  for (let i = 0; i < n; i++) {
    if (opened[i] !== 0) {
      any = true;
      break;
    }
  }
  if (!any) return { points: [], regions: 0, tooSmall: 0, tooLarge: 0 };
  const dist = distanceTransformEDT(opened, shape);
  const peaks = maximumFilter(dist, shape, filterSize);
  const localMax = eroded; // reuse: the erosion is not needed any more
  for (let i = 0; i < n; i++) localMax[i] = opened[i] !== 0 && dist[i] === peaks[i] ? 1 : 0;
  // The max-filter output is done with once the peaks are known: its memory holds the markers.
  const { labels, count } = connectedComponents(localMax, shape, 6, new Int32Array(peaks.buffer, peaks.byteOffset, n));
  for (let i = 0; i < n; i++) dist[i] = -dist[i]!;
  watershed(dist, labels, shape, opened, labels);
  return filterRegions(labels, shape, count, vMin, vMax, sphere, true);
}

function comCandidates(mask: Uint8Array, shape: Shape3, vMin: number, vMax: number, sphere: number): Candidates {
  const { labels, count } = connectedComponents(mask, shape, 6);
  return filterRegions(labels, shape, count, vMin, vMax, sphere, false);
}

function filterRegions(labels: Int32Array, shape: Shape3, count: number, vMin: number, vMax: number, sphere: number, inclusive: boolean): Candidates {
  const { sizes, centres } = centerOfMass(labels, shape, count);
  const points: WeightedPoint[] = [];
  let regions = 0;
  let tooSmall = 0;
  let tooLarge = 0;
  for (let l = 1; l <= count; l++) {
    const size = sizes[l]!;
    if (size === 0) continue; // a marker swallowed by nothing (cannot happen with markers inside the mask)
    regions++;
    const small = inclusive ? size < vMin : size <= vMin;
    const large = inclusive ? size > vMax : size >= vMax;
    if (small) tooSmall++;
    else if (large) tooLarge++;
    else points.push({ z: centres[3 * l]!, y: centres[3 * l + 1]!, x: centres[3 * l + 2]!, voxels: size, score: Math.min(1, size / sphere) });
  }
  return { points, regions, tooSmall, tooLarge };
}

/**
 * Localizes every object of `options.objects` in the segmentation; see the module comment for the
 * method. Pure computation on typed arrays: it reads nothing and writes nothing.
 */
export function localizeRun(options: LocalizeRunOptions): LocalizedObject[] {
  const { segmentation, shape, voxelSize } = options;
  checkShape(shape, segmentation.length, 'localizeRun');
  if (!(voxelSize > 0)) throw new ParticlesArgumentError(`localizeRun: voxelSize ${voxelSize} must be a positive number of Å`);
  const p = resolveLocalizeParameters(options);
  for (const o of options.objects) {
    if (!Number.isInteger(o.label) || o.label < 1 || o.label > 255) throw new ParticlesArgumentError(`localizeRun: object '${o.name}' has label ${o.label}; labels are 1–255`);
    if (!(o.radius > 0)) throw new ParticlesArgumentError(`localizeRun: object '${o.name}' has radius ${o.radius}; give its radius in Å`);
  }
  const boxes = labelBoxes(segmentation, shape);
  const [, Y, X] = shape;
  const lo = shape.map((s) => p.borderFraction * s);
  const hi = shape.map((s) => s - p.borderFraction * s);

  return options.objects.map((o): LocalizedObject => {
    const stats: LocalizeStats = { regions: 0, tooSmall: 0, tooLarge: 0, merged: 0, atBorder: 0 };
    const result: LocalizedObject = { name: o.name, label: o.label, particles: [], stats };
    const b = o.label * 6;
    if (boxes[b] === -1) return result;
    const z0 = boxes[b]!;
    const y0 = boxes[b + 1]!;
    const x0 = boxes[b + 2]!;
    const cshape: Shape3 = [boxes[b + 3]! - z0 + 1, boxes[b + 4]! - y0 + 1, boxes[b + 5]! - x0 + 1];
    const [cz, cy, cx] = cshape;
    const mask = new Uint8Array(cz * cy * cx);
    let k = 0;
    for (let z = 0; z < cz; z++) {
      for (let y = 0; y < cy; y++) {
        let i = ((z + z0) * Y + (y + y0)) * X + x0;
        for (let x = 0; x < cx; x++, k++, i++) mask[k] = segmentation[i] === o.label ? 1 : 0;
      }
    }
    const rMin = (o.radius * p.radiusMinScale) / voxelSize;
    const rMax = (o.radius * p.radiusMaxScale) / voxelSize;
    const sphere = sphereVolume(o.radius / voxelSize);
    const found =
      p.method === 'watershed'
        ? watershedCandidates(mask, cshape, p.filterSize, sphereVolume(rMin), sphereVolume(rMax), sphere)
        : comCandidates(mask, cshape, sphereVolume(rMin), sphereVolume(rMax), sphere);
    stats.regions = found.regions;
    stats.tooSmall = found.tooSmall;
    stats.tooLarge = found.tooLarge;
    for (const q of found.points) {
      q.z += z0;
      q.y += y0;
      q.x += x0;
    }
    const merged = mergeClosePoints(found.points, rMin);
    stats.merged = found.points.length - merged.length;
    for (const q of merged) {
      if (q.z < lo[0]! || q.z > hi[0]! || q.y < lo[1]! || q.y > hi[1]! || q.x < lo[2]! || q.x > hi[2]!) {
        stats.atBorder++;
        continue;
      }
      result.particles.push({
        location: { x: q.x * voxelSize, y: q.y * voxelSize, z: q.z * voxelSize },
        voxel: [q.z, q.y, q.x],
        voxels: q.voxels,
        score: q.score,
      });
    }
    return result;
  });
}
