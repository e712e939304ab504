import { defineConfig } from 'tsup';

// Bundles the workspace libs; third-party packages stay external (they are this app's dependencies).
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  noExternal: [/^@voxelflow\//],
  banner: { js: '#!/usr/bin/env node' },
  esbuildOptions(o) {
    o.conditions = ['@voxelflow/source'];
  },
});
