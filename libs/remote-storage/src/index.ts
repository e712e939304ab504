/** @packageDocumentation One Store interface over local paths, s3://, http(s):// and hf://, with atomic writes and zarrita adapters. */
export const PACKAGE_NAME = '@voxelflow/remote-storage';
