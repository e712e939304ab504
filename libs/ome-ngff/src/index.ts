/** @packageDocumentation OME-NGFF 0.4 / 0.5 metadata: build, read, write and validate multiscales and image-label. */
export type {
  NgffVersion,
  AxisType,
  Axis,
  ScaleTransformation,
  TranslationTransformation,
  CoordinateTransformation,
  Dataset,
  Multiscale,
  Omero,
  OmeroChannel,
  OmeroWindow,
  ImageLabel,
  LabelColor,
  LabelProperty,
  NgffContent,
  NgffProblem,
} from './types';
export { SPACE_UNITS, TIME_UNITS, AXIS_TYPES, isSpaceUnit, isTimeUnit } from './units';
export { NgffError, NgffValidationError, NgffNotFoundError, NgffFormatError } from './errors';
export { toNgffAttributes, fromNgffAttributes, NGFF_ATTRIBUTE_KEYS } from './attributes';
export { buildMultiscales, standardAxes, pyramidDatasets } from './build-multiscales';
export type { BuildMultiscalesOptions, DatasetSpec, PyramidDatasetsOptions } from './build-multiscales';
export { validateMultiscales, validateLabelAttributes, isValid } from './validate';
export { readNgff } from './read-ngff';
export type { NgffGroup } from './read-ngff';
export { writeNgffAttributes } from './write-ngff';
export type { WriteNgffOptions } from './write-ngff';
export { writeLabelMetadata } from './write-label-metadata';
export type { WriteLabelMetadataOptions } from './write-label-metadata';
