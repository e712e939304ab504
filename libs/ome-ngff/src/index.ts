/** @packageDocumentation OME-NGFF 0.4 / 0.5 metadata: build, read, write and validate multiscales and image-label. */
export const PACKAGE_NAME = '@voxelflow/ome-ngff';
