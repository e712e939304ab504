/** @packageDocumentation The nnU-Net patch grid, parts, patch order, skip-empty, the Gaussian importance map, TTA transforms, 2D tiling. */
export const PACKAGE_NAME = '@voxelflow/tiling';
