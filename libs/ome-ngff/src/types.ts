/**
 * The OME-NGFF data model this package reads and writes. Field names follow the specification
 * (https://ngff.openmicroscopy.org/0.4 and /0.5) so the objects serialize to JSON unchanged.
 */

/** The two NGFF versions VoxelFlow writes: 0.4 lives in a Zarr v2 `.zattrs`, 0.5 in a Zarr v3 `zarr.json`. */
export type NgffVersion = '0.4' | '0.5';

/** Axis types the specification names; other strings are custom axes (allowed, but discouraged). */
export type AxisType = 'space' | 'time' | 'channel';

/** One axis of a multiscale image, in array order. */
export interface Axis {
  /** Axis name, unique within the image (`z`, `y`, `x`, `c`, `t`). */
  name: string;
  /** 'space', 'time', 'channel', or a custom type. */
  type?: AxisType | (string & {});
  /** A UDUNITS-2 name from the specification's list (`micrometer`, `angstrom`, `second`…). */
  unit?: string;
}

/** Voxel size per axis: physical coordinate = index × scale (then the translation). */
export interface ScaleTransformation {
  /** Always 'scale'. */
  type: 'scale';
  /** One factor per axis, in axis order. */
  scale: number[];
}

/** Physical offset per axis, added after the scale. */
export interface TranslationTransformation {
  /** Always 'translation'. */
  type: 'translation';
  /** One offset per axis, in axis order, in the axes' units. */
  translation: number[];
}

/** A dataset's list: exactly one scale, first, then at most one translation. */
export type CoordinateTransformation = ScaleTransformation | TranslationTransformation;

/** One resolution level of a multiscale image. */
export interface Dataset {
  /** Path of the array, relative to the multiscales group ('0', '1', …). */
  path: string;
  /** Exactly one scale, then at most one translation, mapping this level's indices to physical space. */
  coordinateTransformations: CoordinateTransformation[];
}

/** One multiscale image: its axes and its resolution levels. */
export interface Multiscale {
  /** Present (and '0.4') in NGFF 0.4; in 0.5 the version lives in `ome.version` instead. */
  version?: NgffVersion;
  /** A name for the image. */
  name?: string;
  /** The axes, in array order: optional time, optional channel, then 2 or 3 space axes. */
  axes: Axis[];
  /** From highest to lowest resolution. */
  datasets: Dataset[];
  /** Applied after every dataset's own transformations. */
  coordinateTransformations?: CoordinateTransformation[];
  /** How the lower levels were computed (e.g. 'mean', 'mode'). */
  type?: string;
  /** Free-form details of the downsampling (method, arguments, software). */
  metadata?: Record<string, unknown>;
}

/** The display range of one omero channel. */
export interface OmeroWindow {
  /** Value shown as black. */
  start: number;
  /** Value shown at full intensity. */
  end: number;
  /** Smallest value of the data (the slider's lower end). */
  min: number;
  /** Largest value of the data (the slider's upper end). */
  max: number;
}

/** Rendering settings of one channel. */
export interface OmeroChannel {
  /** Display range. */
  window: OmeroWindow;
  /** Hex RGB, e.g. 'FFFFFF' (required in 0.4). */
  color?: string;
  /** Channel name shown by viewers. */
  label?: string;
  /** Intensity mapping, e.g. 'linear'. */
  family?: string;
  /** Whether viewers show the channel initially. */
  active?: boolean;
  [key: string]: unknown;
}

/** Rendering hints (transitional in the specification). */
export interface Omero {
  /** One entry per channel of the image. */
  channels: OmeroChannel[];
  [key: string]: unknown;
}

/** The display colour of one label value. */
export interface LabelColor {
  /** The integer label value this colour is for. */
  'label-value': number;
  /** Four integers 0–255. */
  rgba?: [number, number, number, number];
}

/** Free-form properties of one label value (e.g. a class name). */
export interface LabelProperty {
  /** The integer label value these properties are for. */
  'label-value': number;
  [key: string]: unknown;
}

/** `image-label` metadata of a label image. */
export interface ImageLabel {
  /** '0.4' inside a 0.4 `.zattrs`; absent in 0.5. */
  version?: NgffVersion;
  /** Display colour per label value. */
  colors?: LabelColor[];
  /** Properties per label value. */
  properties?: LabelProperty[];
  /** Where the labelled image is, relative to the label image (usually '../../'). */
  source?: {
    /** Relative path of the image group. */
    image?: string;
  };
}

/**
 * The NGFF content of one group, independent of version. `toNgffAttributes` shapes it for a
 * version (top level in 0.4, under `ome` in 0.5); `fromNgffAttributes` does the reverse.
 */
export interface NgffContent {
  /** The group's multiscale images (usually one). */
  multiscales?: Multiscale[];
  /** Rendering hints. */
  omero?: Omero;
  /** `image-label` metadata, when the group is a label image. */
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
  /** What is wrong and what to do, in one line. */
  message: string;
}
