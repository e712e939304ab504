/**
 * @voxelflow/make-test-data: writes test-data/ deterministically with writers independent of the
 * project's own readers.
 */

// The generator
export { makeTestData, type MakeTestDataOptions, type Manifest } from './make-test-data';
export { hashTree, MANIFEST_NAME, type FileEntry } from './manifest';
export { OutputDir } from './output-dir';

// Datasets
export { PARTICLE_TYPES, type ParticleType } from './data/particle-types';
export { makeScrollVolume, writeScroll, SCROLL } from './data/scroll';
export { makeCtVolume, writeCt, CT_GEOMETRY, CT_CONTENT } from './data/ct';
export { placeParticles, makeTomogram, copickConfig, picksFile, sphereVoxelCount, writeCopick, COPICK, type Particle } from './data/copick';
export { makeInkLayers, inkMask, writeInk, INK } from './data/ink';

// ONNX models
export { GraphBuilder, encodeModel, CARD_METADATA_KEY, IR_VERSION, OPSET, type Dim, type ElemType, type AttrValue, type BuildOptions } from './onnx/graph-builder';
export type { TestModelCard } from './onnx/model-card';
export type { TestModel, ModelDescription, TensorDescription } from './onnx/test-model';
export { buildAllModels } from './onnx/models';
export { buildAnalytic3d, ANALYTIC3D_WEIGHTS, ANALYTIC3D_BIASES } from './onnx/analytic3d';
export { buildAnalytic3dFp16 } from './onnx/analytic3d-fp16';
export { buildUnet3dTiny, UNET_SEED, UNET_CHANNELS, UNET_PATCH, UNET_LEAKY_ALPHA } from './onnx/unet3d-tiny';
export { buildMulticlass3d, MULTICLASS_CENTRES, MULTICLASS_SHARPNESS } from './onnx/multiclass3d';
export { buildInk25d, INK_LAYERS, INK_TILE, INK_POOL, INK_GAIN, INK_OFFSET, INK_CLIP } from './onnx/ink25d';

// Writers (independent of @voxelflow/volume-io)
export { encodeTiff, type TiffPages } from './writers/tiff';
export { encodeNifti1 } from './writers/nifti';
export { encodeMha } from './writers/mha';
export { rasAffine, type ImageGeometry } from './writers/geometry';
export { writeZarrV2Array, writeZarrV2Group, type V2Compressor, type ZarrV2ArrayOptions } from './writers/zarr-v2';
export { writeZarrV3Array, type ZarrV3ArrayOptions } from './writers/zarr-v3';
export { writeOmeZarr, multiscalesAttribute, type OmeZarrOptions, type OmeLevel } from './writers/ome-zarr';
export { writeChunks, type ChunkReport } from './writers/zarr-chunks';

// Helpers
export { TestDataError } from './errors';
export { Random } from './random';
export { toFloat16Bits, fromFloat16Bits, toFloat16Array, fromFloat16Array } from './float16';
export { stableStringify } from './stable-json';
export { arrayFacts, sampleVoxels, sha256OfArray, type ArrayFacts } from './describe';
export { extractBox, downsampleMean2, voxelType, type Array3D, type VoxelArray, type VoxelType } from './array3d';
export { GENERATOR_NAME, GENERATOR_VERSION } from './version';
