/**
 * The OME-NGFF data model this package reads and writes. Field names follow the specification
 * (https://ngff.openmicroscopy.org/0.4 and /0.5) so the objects serialize to JSON unchanged.
 */

/** The two NGFF versions VoxelFlow writes: 0.4 lives in a Zarr v2 `.zattrs`, 0.5 in a Zarr v3 `zarr.json`. */
export type NgffVersion = '0.4' | '0.5';

/** Axis types the specification names; other strings are custom axes (allowed, but discouraged). */
export type AxisType = 'space' | 'time' | 'channel';

export interface Axis {
  name: string;
  /** 'space', 'time', 'channel', or a custom type. */
  type?: AxisType | (string & {});
  /** A UDUNITS-2 name from the specification's list (`micrometer`, `angstrom`, `second`…). */
  unit?: string;
}

export interface ScaleTransformation {
  type: 'scale';
  scale: number[];
}

export interface TranslationTransformation {
  type: 'translation';
  translation: number[];
}

/** A dataset's list: exactly one scale, first, then at most one translation. */
export type CoordinateTransformation = ScaleTransformation | TranslationTransformation;

export interface Dataset {
  /** Path of the array, relative to the multiscales group ('0', '1', …). */
  path: string;
  coordinateTransformations: CoordinateTransformation[];
}

export interface Multiscale {
  /** Present (and '0.4') in NGFF 0.4; in 0.5 the version lives in `ome.version` instead. */
  version?: NgffVersion;
  name?: string;
  axes: Axis[];
  /** From highest to lowest resolution. */
  datasets: Dataset[];
  /** Applied after every dataset's own transformations. */
  coordinateTransformations?: CoordinateTransformation[];
  /** How the lower levels were computed (e.g. 'mean', 'mode'). */
  type?: string;
  metadata?: Record<string, unknown>;
}

export interface OmeroWindow {
  start: number;
  end: number;
  min: number;
  max: number;
}

export interface OmeroChannel {
  window: OmeroWindow;
  /** Hex RGB, e.g. 'FFFFFF' (required in 0.4). */
  color?: string;
  label?: string;
  family?: string;
  active?: boolean;
  [key: string]: unknown;
}

/** Rendering hints (transitional in the specification). */
export interface Omero {
  channels: OmeroChannel[];
  [key: string]: unknown;
}

export interface LabelColor {
  'label-value': number;
  /** Four integers 0–255. */
  rgba?: [number, number, number, number];
}

export interface LabelProperty {
  'label-value': number;
  [key: string]: unknown;
}

/** `image-label` metadata of a label image. */
export interface ImageLabel {
  /** '0.4' inside a 0.4 `.zattrs`; absent in 0.5. */
  version?: NgffVersion;
  colors?: LabelColor[];
  properties?: LabelProperty[];
  /** Where the labelled image is, relative to the label image (usually '../../'). */
  source?: { image?: string };
}

/**
 * The NGFF content of one group, independent of version. `toNgffAttributes` shapes it for a
 * version (top level in 0.4, under `ome` in 0.5); `fromNgffAttributes` does the reverse.
 */
export interface NgffContent {
  multiscales?: Multiscale[];
  omero?: Omero;
  imageLabel?: ImageLabel;
  /** Names of the label images in a `labels` group. */
  labels?: string[];
}

/** One thing wrong with NGFF metadata. */
export interface NgffProblem {
  /** 'error' breaks a MUST of the specification or its JSON schema; 'warning' a SHOULD. */
  severity: 'error' | 'warning';
  /** JSON path of the offending value, e.g. `multiscales[0].datasets[1].coordinateTransformations`. */
  path: string;
  message: string;
}
