/** Version of @voxelflow/finalize written into outputs (kept equal to package.json by a test). */
export const FINALIZE_VERSION = '0.1.0';
