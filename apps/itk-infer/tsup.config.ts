import { defineConfig } from 'tsup';

// Bundles the workspace libs; third-party packages stay external (they are this app's dependencies).
// Two entries: the CLI, and the worker script that --num-proc/--gpus fork (dist/worker.js beside dist/cli.js).
export default defineConfig({
  entry: ['src/cli.ts', 'src/worker.ts'],
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
