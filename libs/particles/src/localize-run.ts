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
 *
 * Both methods run per cluster of blobs (blobs farther apart than the peak window never influence each
 * other), each in its own small box found from one pass over the segmentation: the same regions as one
 * pass over the crop, at a fraction of the cost on sparse maps.
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
  /** Object name (the pickable object the picks are written for). */
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
  /** (z, y, x) in voxels; its product must be the segmentation's length. */
  shape: Shape3;
  /** Voxel size in Å. */
  voxelSize: number;
  /** The objects to localize; one {@link LocalizedObject} per entry, in this order. */
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
  /** Regions dropped as smaller than a sphere of radius·radiusMinScale. */
  tooSmall: number;
  /** Regions dropped as larger than a sphere of radius·radiusMaxScale. */
  tooLarge: number;
  /** Centres removed by merging with a nearby centre. */
  merged: number;
  /** Centres dropped for lying within the border margin. */
  atBorder: number;
}

/** The particles of one object. */
export interface LocalizedObject {
  /** Object name, from the {@link LocalizeObjectSpec}. */
  name: string;
  /** Its segmentation value. */
  label: number;
  /** The particles found (empty when the label is absent or no region qualifies). */
  particles: LocalizedParticle[];
  /** What happened to the candidate regions. */
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

/** Edge of the blocks used to find clusters of nearby blobs, in voxels (indices below use `>> 3`). */
const BLOCK = 8;

/** One pass over the segmentation: where each label is, to the voxel and to the block. */
interface LabelScan {
  /** [z0, y0, x0, z1, y1, x1] (inclusive) per label 0..255; z0 = −1 when absent. */
  boxes: Int32Array;
  /** The volume's grid of 8³ blocks. */
  grid: Shape3;
  /** For label l, `occupied[l · cells + c]` is 1 when block c holds a voxel of l (wanted labels only). */
  occupied: Uint8Array;
  cells: number;
}

function scanLabels(seg: Uint8Array, shape: Shape3, wanted: Uint8Array, maxLabel: number): LabelScan {
  const [Z, Y, X] = shape;
  const grid: Shape3 = [Math.ceil(Z / BLOCK), Math.ceil(Y / BLOCK), Math.ceil(X / BLOCK)];
  const cells = grid[0] * grid[1] * grid[2];
  const occupied = new Uint8Array((maxLabel + 1) * cells);
  const box = new Int32Array(256 * 6);
  for (let l = 0; l < 256; l++) box.set([-1, Y, X, -1, -1, -1], l * 6);
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const rowCell = ((z >> 3) * grid[1] + (y >> 3)) * grid[2];
      for (let x = 0; x < X; x++, i++) {
        const l = seg[i]!;
        if (l === 0) continue;
        const b = l * 6;
        if (box[b] === -1) box[b] = z; // z only grows
        if (y < box[b + 1]!) box[b + 1] = y;
        if (x < box[b + 2]!) box[b + 2] = x;
        box[b + 3] = z;
        if (y > box[b + 4]!) box[b + 4] = y;
        if (x > box[b + 5]!) box[b + 5] = x;
        if (wanted[l] !== 0) occupied[l * cells + rowCell + (x >> 3)] = 1;
      }
    }
  }
  return { boxes: box, grid, occupied, cells };
}

/** A box (volume voxels, half-open) holding one cluster, and the cluster's id in the cell labels. */
interface ClusterBox {
  id: number;
  start: [number, number, number];
  stop: [number, number, number];
}

/**
 * Clusters of a label's blobs closer than `margin` voxels to each other, each with a box reaching
 * at least `margin` voxels past it or to the crop's face. Found on the block grid: the label's
 * occupied blocks, dilated by ⌈margin / 8⌉ blocks, then 26-connected. Voxels of two clusters are more
 * than `margin` apart, so nothing computed within `margin` of one (opening, EDT, the peak window, the
 * flood, 6-connected components) ever sees the other: each box alone gives what the whole crop gives.
 */
function clusterBoxes(occupied: Uint8Array, grid: Shape3, margin: number, cropStart: number[], cropStop: number[]): { boxes: ClusterBox[]; cellLabels: Int32Array } {
  const [gz, gy, gx] = grid;
  const d = Math.ceil(margin / BLOCK);
  // Box dilation by d cells, one axis at a time.
  let cur = occupied;
  const strides = [gy * gx, gx, 1];
  for (let axis = 0; axis < 3; axis++) {
    const next = new Uint8Array(cur.length);
    const len = grid[axis]!;
    const stride = strides[axis]!;
    for (let c = 0; c < cur.length; c++) {
      if (cur[c] === 0) continue;
      const pos = Math.floor(c / stride) % len;
      for (let k = Math.max(0, pos - d); k <= Math.min(len - 1, pos + d); k++) next[c + (k - pos) * stride] = 1;
    }
    cur = next;
  }
  const { labels: cellLabels, count } = connectedComponents(cur, grid, 26);
  const lo = new Int32Array(3 * (count + 1)).fill(2 ** 30);
  const hi = new Int32Array(3 * (count + 1)).fill(-1);
  for (let cz = 0, c = 0; cz < gz; cz++) {
    for (let cy = 0; cy < gy; cy++) {
      for (let cx = 0; cx < gx; cx++, c++) {
        const l = cellLabels[c]!;
        if (l === 0) continue;
        const k = 3 * l;
        if (cz < lo[k]!) lo[k] = cz;
        if (cy < lo[k + 1]!) lo[k + 1] = cy;
        if (cx < lo[k + 2]!) lo[k + 2] = cx;
        if (cz > hi[k]!) hi[k] = cz;
        if (cy > hi[k + 1]!) hi[k + 1] = cy;
        if (cx > hi[k + 2]!) hi[k + 2] = cx;
      }
    }
  }
  const boxes: ClusterBox[] = [];
  for (let l = 1; l <= count; l++) {
    const start = [0, 1, 2].map((a) => Math.max(cropStart[a]!, lo[3 * l + a]! * BLOCK)) as [number, number, number];
    const stop = [0, 1, 2].map((a) => Math.min(cropStop[a]!, (hi[3 * l + a]! + 1) * BLOCK)) as [number, number, number];
    boxes.push({ id: l, start, stop });
  }
  return { boxes, cellLabels };
}

/** The mask of `label` in box [start, stop) of the segmentation; with `cells`, only voxels whose block belongs to cluster `id`. */
function extractMask(seg: Uint8Array, shape: Shape3, label: number, start: readonly number[], stop: readonly number[], cells?: { labels: Int32Array; grid: Shape3; id: number }): Uint8Array {
  const [, Y, X] = shape;
  const sub = [stop[0]! - start[0]!, stop[1]! - start[1]!, stop[2]! - start[2]!];
  const mask = new Uint8Array(sub[0]! * sub[1]! * sub[2]!);
  let k = 0;
  for (let z = start[0]!; z < stop[0]!; z++) {
    for (let y = start[1]!; y < stop[1]!; y++) {
      let i = (z * Y + y) * X + start[2]!;
      if (cells) {
        const rowCell = ((z >> 3) * cells.grid[1] + (y >> 3)) * cells.grid[2];
        for (let x = start[2]!; x < stop[2]!; x++, i++, k++) {
          // Only this cluster's voxels: another cluster's may lie inside the box, far from this one.
          mask[k] = seg[i] === label && cells.labels[rowCell + (x >> 3)] === cells.id ? 1 : 0;
        }
      } else {
        for (let x = start[2]!; x < stop[2]!; x++, i++, k++) mask[k] = seg[i] === label ? 1 : 0;
      }
    }
  }
  return mask;
}

/** Centres (in the processed box's voxels) and sizes of the regions of one label that pass the size window. */
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
  const wanted = new Uint8Array(256);
  let maxLabel = 0;
  for (const o of options.objects) {
    if (!Number.isInteger(o.label) || o.label < 1 || o.label > 255) throw new ParticlesArgumentError(`localizeRun: object '${o.name}' has label ${o.label}; labels are 1–255`);
    if (!(o.radius > 0)) throw new ParticlesArgumentError(`localizeRun: object '${o.name}' has radius ${o.radius}; give its radius in Å`);
    wanted[o.label] = 1;
    maxLabel = Math.max(maxLabel, o.label);
  }
  const scan = scanLabels(segmentation, shape, wanted, maxLabel);
  const lo = shape.map((s) => p.borderFraction * s);
  const hi = shape.map((s) => s - p.borderFraction * s);
  // Blobs closer than this may interact: the peak window for watershed, the opening's reach (2), adjacency.
  const margin = p.method === 'watershed' ? Math.max(p.filterSize, 2) : 2;

  return options.objects.map((o): LocalizedObject => {
    const stats: LocalizeStats = { regions: 0, tooSmall: 0, tooLarge: 0, merged: 0, atBorder: 0 };
    const result: LocalizedObject = { name: o.name, label: o.label, particles: [], stats };
    const b = o.label * 6;
    if (scan.boxes[b] === -1) return result;
    // The crop is the label's bounding box, as octopi crops (its faces matter to the EDT and the filters).
    const cropStart = [scan.boxes[b]!, scan.boxes[b + 1]!, scan.boxes[b + 2]!];
    const cropStop = [scan.boxes[b + 3]! + 1, scan.boxes[b + 4]! + 1, scan.boxes[b + 5]! + 1];
    const rMin = (o.radius * p.radiusMinScale) / voxelSize;
    const rMax = (o.radius * p.radiusMaxScale) / voxelSize;
    const vMin = sphereVolume(rMin);
    const vMax = sphereVolume(rMax);
    const sphere = sphereVolume(o.radius / voxelSize);
    const run = (mask: Uint8Array, sub: Shape3): Candidates =>
      p.method === 'watershed' ? watershedCandidates(mask, sub, p.filterSize, vMin, vMax, sphere) : comCandidates(mask, sub, vMin, vMax, sphere);

    const occupied = scan.occupied.subarray(o.label * scan.cells, (o.label + 1) * scan.cells);
    const { boxes, cellLabels } = clusterBoxes(occupied, scan.grid, margin, cropStart, cropStop);
    const extent = (s: readonly number[], e: readonly number[]): Shape3 => [e[0]! - s[0]!, e[1]! - s[1]!, e[2]! - s[2]!];
    const volume = (s: Shape3): number => s[0] * s[1] * s[2];
    const cropVolume = volume(extent(cropStart, cropStop));
    const boxed = boxes.reduce((a, c) => a + volume(extent(c.start, c.stop)), 0);
    const found: Candidates = { points: [], regions: 0, tooSmall: 0, tooLarge: 0 };
    const parts =
      boxes.length > 1 && boxed < 0.8 * cropVolume
        ? boxes.map((c) => ({ start: c.start, stop: c.stop, cells: { labels: cellLabels, grid: scan.grid, id: c.id } }))
        : [{ start: cropStart, stop: cropStop, cells: undefined }]; // one box, or boxes that would not save work
    for (const part of parts) {
      const sub = extent(part.start, part.stop);
      const got = run(extractMask(segmentation, shape, o.label, part.start, part.stop, part.cells), sub);
      for (const q of got.points) {
        q.z += part.start[0]!;
        q.y += part.start[1]!;
        q.x += part.start[2]!;
        found.points.push(q);
      }
      found.regions += got.regions;
      found.tooSmall += got.tooSmall;
      found.tooLarge += got.tooLarge;
    }
    stats.regions = found.regions;
    stats.tooSmall = found.tooSmall;
    stats.tooLarge = found.tooLarge;
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
