import { toNgffAttributes } from './attributes';
import { NgffValidationError } from './errors';
import type { Axis, CoordinateTransformation, Dataset, Multiscale, NgffVersion } from './types';
import { validateMultiscales } from './validate';

/** One resolution level: its array path and voxel size (and offset) per axis, in axis order. */
export interface DatasetSpec {
  /** Path of the level's array, relative to the group ('0', '1', …). */
  path: string;
  /** Physical size of one voxel along each axis (1 for channel and time unless meaningful). */
  scale: number[];
  /** Physical position of voxel 0 along each axis. */
  translation?: number[];
}

/** Options of {@link buildMultiscales}. */
export interface BuildMultiscalesOptions {
  /** The axes in array order (see {@link standardAxes}). */
  axes: Axis[];
  /** From highest to lowest resolution. */
  datasets: DatasetSpec[];
  /** NGFF version to build for. */
  version: NgffVersion;
  /** A name for the image. */
  name?: string;
  /** How lower levels were computed ('mean', 'mode', 'max'…). */
  type?: string;
  /** Free-form details of the downsampling. */
  metadata?: Record<string, unknown>;
  /** Applied after each dataset's transformations (rarely needed). */
  coordinateTransformations?: CoordinateTransformation[];
}

/**
 * Builds one multiscale entry: a scale (then optional translation) per dataset, the version
 * where 0.4 wants it. Throws `NgffValidationError` when the result would break a rule, so what
 * it returns can always be written.
 */
export function buildMultiscales(options: BuildMultiscalesOptions): Multiscale {
  const datasets: Dataset[] = options.datasets.map((d) => {
    const coordinateTransformations: CoordinateTransformation[] = [{ type: 'scale', scale: [...d.scale] }];
    if (d.translation) coordinateTransformations.push({ type: 'translation', translation: [...d.translation] });
    return { path: d.path, coordinateTransformations };
  });
  const multiscale: Multiscale = {
    ...(options.version === '0.4' ? { version: options.version } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    axes: options.axes.map((a) => ({ ...a })),
    datasets,
    ...(options.coordinateTransformations ? { coordinateTransformations: options.coordinateTransformations } : {}),
    ...(options.type !== undefined ? { type: options.type } : {}),
    ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
  };
  const problems = validateMultiscales(toNgffAttributes({ multiscales: [multiscale] }, options.version), options.version);
  if (problems.some((p) => p.severity === 'error')) throw new NgffValidationError('built multiscales', problems);
  return multiscale;
}

/**
 * Axes from a compact spelling such as 'zyx', 'czyx' or 'tczyx': x, y, z are space axes with
 * `unit`, c is the channel axis, t the time axis with `timeUnit`.
 */
export function standardAxes(names: string, unit?: string, timeUnit?: string): Axis[] {
  return [...names].map((n): Axis => {
    if (n === 'c') return { name: 'c', type: 'channel' };
    if (n === 't') return { name: 't', type: 'time', ...(timeUnit ? { unit: timeUnit } : {}) };
    if (n === 'x' || n === 'y' || n === 'z') return { name: n, type: 'space', ...(unit ? { unit } : {}) };
    throw new RangeError(`standardAxes: unknown axis letter "${n}" in "${names}"; use t, c, z, y, x`);
  });
}

/** Options of {@link pyramidDatasets}. */
export interface PyramidDatasetsOptions {
  /** The axes in array order; only `space` axes are downsampled. */
  axes: Axis[];
  /** Number of levels, including level 0. */
  levels: number;
  /** Level-0 voxel size per axis. */
  scale: number[];
  /** Level-0 position of voxel 0 per axis (zeros when omitted). */
  translation?: number[];
  /** Downsampling factor per level on space axes (2). Other axes keep factor 1. */
  factor?: number;
  /**
   * Whether a level's voxel 0 is the mean of a block of level-0 voxels (its centre then shifts by
   * (f^k − 1)/2 level-0 voxels) rather than a subsample of voxel 0. True by default.
   */
  blockCentred?: boolean;
}

/** Dataset specs '0', '1', … for a power-of-`factor` pyramid, coarser on space axes only. */
export function pyramidDatasets(options: PyramidDatasetsOptions): DatasetSpec[] {
  const factor = options.factor ?? 2;
  const centred = options.blockCentred ?? true;
  const base = options.translation ?? options.scale.map(() => 0);
  const out: DatasetSpec[] = [];
  for (let level = 0; level < options.levels; level++) {
    const f = factor ** level;
    const scale = options.scale.map((s, i) => (options.axes[i]?.type === 'space' ? s * f : s));
    const shifted = options.axes.some((a) => a.type === 'space') && centred && level > 0;
    const translation = base.map((t, i) =>
      options.axes[i]?.type === 'space' && centred ? t + ((f - 1) / 2) * (options.scale[i] ?? 1) : t,
    );
    const needTranslation = options.translation !== undefined || shifted;
    out.push({ path: String(level), scale, ...(needTranslation ? { translation } : {}) });
  }
  return out;
}
