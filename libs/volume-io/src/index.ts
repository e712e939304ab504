/** @packageDocumentation Volumes in every format VoxelFlow reads and writes, with geometry and a decoded-chunk cache. */

// The contract
export type { DType, DTypeArrayMap, TypedArray, NdArray, Box, Geometry, VolumeFormat, ZarrCodec, Volume } from './types';

// Opening and creating volumes (every format)
export { openVolume, type OpenVolumeOptions } from './open-volume';
export { createVolume, createOmeZarr, openOmeZarr, type CreateVolumeOptions, type CreateOmeZarrAtOptions } from './create-volume';

// Zarr v2 / v3 and OME-Zarr
export { ZarrVolume, type AttributeTarget } from './zarr/zarr-volume';
export { openZarr, detectZarrNode, type OpenZarrOptions, type ZarrNodeKind } from './zarr/open-zarr';
export { createZarr, type CreateZarrOptions } from './zarr/create-zarr';
export { createOmeZarrIn, pyramidShapes, type CreateOmeZarrOptions, type OmeZarr } from './zarr/create-ome-zarr';
export { DEFAULT_ZARR_CODEC, installZarrCodecs, supportedCodecs, v2Compressor, v3Codecs } from './zarr/codecs';
export type { ZarrArrayMeta } from './zarr/metadata';

// Decoded-chunk cache
export { ChunkCache, defaultChunkCache, chunkCacheKey } from './chunk-cache';
export type { ChunkCacheStats, ChunkCacheOptions, CachedChunk, LoadedChunk } from './chunk-cache';

// Geometry
export { geometryFromNgff, ngffLevelTransform, ngffTransformFromGeometry, spatialAxisIndices } from './ngff-geometry';

// Dtypes, float16, array helpers
export { DTYPES, isDType, typedArrayFor, bytesPerElement, typedArrayMatches } from './dtype';
export { float16ToFloat32, float32ToFloat16, toFloat16Bits, fromFloat16Bits, toFloat32 } from './float16';
export { copyRegion, fillRegion, cStrides, product } from './region-copy';
export { asNdarray } from './ndarray-interop';

// Errors of the Zarr side (the file formats' errors are exported below with them)
export { CorruptChunkError, UnknownCodecError, VolumeNotFoundError, InvalidVolumeMetadataError, VolumeExistsError, DTypeMismatchError } from './errors';

// File formats other than Zarr: TIFF, NIfTI / MetaImage / NRRD, layer folders, 2D images
export * from './formats';
