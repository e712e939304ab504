/**
 * Voxel geometry ↔ OME-NGFF coordinate transformations. NGFF lists scale and translation per axis
 * in array order (…, z, y, x); Geometry holds them for x, y, z. NGFF has no direction, so it is the
 * identity both ways.
 */
import type { Axis, CoordinateTransformation, Multiscale } from '@voxelflow/ome-ngff';
import type { Geometry } from './types';

const IDENTITY: Geometry['direction'] = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/**
 * For each of x, y, z, the index of its axis in `axes` (−1 when absent: a 2D image has no z).
 * Space axes named x, y, z are matched by name; otherwise the last space axis is x, the one before y, then z.
 */
export function spatialAxisIndices(axes: readonly Axis[]): [number, number, number] {
  const space = axes.map((a, i) => ({ a, i })).filter(({ a }) => a.type === 'space' || (a.type === undefined && /^[xyz]$/i.test(a.name)));
  const byName = (n: string): number => space.find(({ a }) => a.name.toLowerCase() === n)?.i ?? -1;
  const named: [number, number, number] = [byName('x'), byName('y'), byName('z')];
  if (named.filter((i) => i >= 0).length === space.length) return named;
  const at = (k: number): number => space[space.length - 1 - k]?.i ?? -1;
  return [at(0), at(1), at(2)];
}

function vectors(list: readonly CoordinateTransformation[] | undefined, rank: number): { scale: number[]; translation: number[] } {
  const scale = new Array<number>(rank).fill(1);
  const translation = new Array<number>(rank).fill(0);
  for (const t of list ?? []) {
    if (t.type === 'scale' && Array.isArray(t.scale)) t.scale.forEach((v, i) => (scale[i] = v));
    if (t.type === 'translation' && Array.isArray(t.translation)) t.translation.forEach((v, i) => (translation[i] = v));
  }
  return { scale, translation };
}

/**
 * Scale and translation per axis of dataset `level`, with the multiscale-level transformations
 * applied after the dataset's own (missing transformations count as identity).
 */
export function ngffLevelTransform(
  multiscale: Multiscale,
  level: number,
): {
  /** Scale per axis, in axis order. */
  scale: number[];
  /** Translation per axis, in axis order. */
  translation: number[];
} {
  const rank = multiscale.axes.length;
  const d = vectors(multiscale.datasets[level]?.coordinateTransformations, rank);
  const m = vectors(multiscale.coordinateTransformations, rank);
  return {
    scale: d.scale.map((s, i) => s * m.scale[i]!),
    translation: d.translation.map((t, i) => t * m.scale[i]! + m.translation[i]!),
  };
}

/** The geometry of dataset `level` of `multiscale` (spacing and origin in the axes' unit). */
export function geometryFromNgff(multiscale: Multiscale, level: number): Geometry {
  const { scale, translation } = ngffLevelTransform(multiscale, level);
  const idx = spatialAxisIndices(multiscale.axes);
  const pick = (v: number[], dflt: number): [number, number, number] =>
    idx.map((i) => (i >= 0 ? v[i]! : dflt)) as [number, number, number];
  const unit = idx.map((i) => (i >= 0 ? multiscale.axes[i]?.unit : undefined)).find((u) => u !== undefined);
  return { spacing: pick(scale, 1), origin: pick(translation, 0), direction: [...IDENTITY], ...(unit ? { unit } : {}) };
}

/**
 * NGFF scale and translation vectors (in the order of `axes`) for voxels of `geometry`; channel,
 * time and custom axes get scale 1 and translation 0.
 */
export function ngffTransformFromGeometry(
  geometry: Geometry,
  axes: readonly Axis[],
): {
  /** Scale per axis, in the order of `axes`. */
  scale: number[];
  /** Translation per axis, in the order of `axes`. */
  translation: number[];
} {
  const scale = axes.map(() => 1);
  const translation = axes.map(() => 0);
  spatialAxisIndices(axes).forEach((i, k) => {
    if (i < 0) return;
    scale[i] = geometry.spacing[k]!;
    translation[i] = geometry.origin[k]!;
  });
  return { scale, translation };
}
