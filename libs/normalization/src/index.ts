/** @packageDocumentation Intensity normalization schemes (z-score, min-max, nnU-Net CT, window, clip-scale) and streaming statistics. */
export const PACKAGE_NAME = '@voxelflow/normalization';
