/** @packageDocumentation The inference engine: ModelBackend contract, model resolution, the predict loop, ensembles, pipeline orchestration. */
export const PACKAGE_NAME = '@voxelflow/inference';
