/** @packageDocumentation The Accumulator: Gaussian-weighted merging of patch logits into output chunks, with Piscina workers. */
export const PACKAGE_NAME = '@voxelflow/blend';
