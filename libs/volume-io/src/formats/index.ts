/**
 * File formats other than Zarr: TIFF (codec, stacks, multi-page files), NIfTI / MetaImage / NRRD
 * through itk-wasm, 2.5D layer folders, and single 2D images (PNG, TIFF).
 */

// Where files live
export { splitFileUrl, type FileLocation, type FolderLocation } from './locations';

// TIFF
export {
  encodeTiff,
  decodeTiff,
  isTiffName,
  TIFF_SUPPORTED_DTYPES,
  type TiffCompression,
  type TiffPage,
  type EncodeTiffOptions,
  type DecodeTiffOptions,
} from './tiff-codec';
export { numberedFiles, type NumberedFile } from './numbered-files';
export { TiffStackVolume, openTiffStack, createTiffStack, type OpenTiffStackOptions, type CreateTiffStackOptions } from './tiff-stack-volume';
export { TiffFileVolume, openTiffFile, createTiffFile, type CreateTiffFileOptions } from './tiff-file-volume';

// NIfTI, MetaImage, NRRD
export {
  MedicalImageVolume,
  openMedicalImage,
  createMedicalImage,
  medicalImageFormat,
  type MedicalImageWriteOptions,
  type CreateMedicalImageOptions,
} from './medical-image-volume';
export { ITK_SUPPORTED_DTYPES } from './itk-image';

// 2.5D layer folders
export { LayerFolderVolume, openLayerFolder, layerToUint8, type OpenLayerFolderOptions } from './layer-folder-volume';

// 2D images
export { writeImage2D, readImage2D, encodePng, decodeRaster, type Image2D, type WriteImage2DOptions } from './image-2d';

// Shared
export { WholeFileVolume, identityGeometry } from './whole-file-volume';

// Errors
export {
  FormatError,
  UnsupportedFormatError,
  UnsupportedDTypeError,
  UnreadableImageError,
  ImageNotFoundError,
  NoLayersFoundError,
  BoxOutOfRangeError,
  ReadOnlyVolumeError,
} from './errors';
