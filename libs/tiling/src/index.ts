/**
 * @packageDocumentation
 * The nnU-Net patch grid, parts, patch order, skip-empty, the Gaussian importance map, TTA
 * transforms, 2-D tiling, and padded patch copies. Pure numerics, no I/O.
 */

/** Package name, for logs and run metadata. */
export const PACKAGE_NAME = '@voxelflow/tiling';

// Errors
export { TilingError, TilingArgumentError, TtaShapeError } from './errors';

// Shapes and boxes
export type { Box } from './box';
export { shapeSize, cOrderStrides } from './box';
export type { NumericArray } from './numeric-array';
export type { NdArrayF32 } from './nd-array';

// Patch positions per axis (nnU-Net)
export { roundHalfEven } from './round-half-even';
export type { StepRule } from './compute-steps';
export { STEP_RULES, computeSteps, computeStepsForStepFraction, stepFractionFromOverlap } from './compute-steps';

// The global grid and selections of it
export type { Padding, PatchOrder, PatchGridOptions, PatchGridDescription, GridRange } from './patch-grid';
export { PatchGrid } from './patch-grid';
export type { PatchRef } from './patch-list';
export { PatchList } from './patch-list';
export { slabRangeForPart, checkPart } from './slab-partition';
export type { StridedGrid } from './strided-grid';
export { computeStridedSteps, stridedGrid } from './strided-grid';
export { compareMorton } from './morton';

// Skip-empty
export { chunkRangeTouched, chunksTouched, isHomogeneous } from './skip-empty';

// Blending weights
export type { GaussianMapOptions } from './gaussian';
export { gaussianKernel1D, gaussianProfile1D, gaussianImportanceMap } from './gaussian';

// Test-time augmentation
export type { TtaTransform } from './axis-transform';
export { AxisTransform } from './axis-transform';
export type { TtaKind, TtaOptions } from './tta';
export { TTA_KINDS, ttaTransforms, octopiTtaTransforms } from './tta';

// 2-D tiling (ink detection)
export type { TileGrid2D, RowBand } from './tile-2d';
export { tileStarts, tileGrid2D, rowBandForPart, tileRangeForPart } from './tile-2d';

// Padded patch copies
export { copyBox, extractPadded, cropInto } from './copy-box';
