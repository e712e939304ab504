import { defineConfig } from 'tsup';

// Workspace libs stay external (dependencies, resolved to their built dist) so their worker files sit
// where they expect them; the worker is this app's own second entry (forked per process).
export default defineConfig({
  entry: ['src/cli.ts', 'src/worker.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
