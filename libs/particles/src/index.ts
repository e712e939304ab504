/** @packageDocumentation copick projects, particle localization (watershed, centre of mass) and evaluation (CZII F-beta). */
export const PACKAGE_NAME = '@voxelflow/particles';
