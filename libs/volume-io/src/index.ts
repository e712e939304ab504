/** @packageDocumentation Volumes: Zarr v2/v3, OME-Zarr, TIFF stacks, NIfTI/MHA/NRRD, 2.5D layer folders, PNG/TIFF maps; geometry; decoded-chunk cache. */
export const PACKAGE_NAME = '@voxelflow/volume-io';
