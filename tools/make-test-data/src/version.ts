/** Version written into every generated file that records its producer (kept equal to package.json). */
export const GENERATOR_VERSION = '0.1.0';

/** Name written as the producer of generated files. */
export const GENERATOR_NAME = '@voxelflow/make-test-data';
