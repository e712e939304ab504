import { defineConfig } from 'tsup';

// Workspace libs stay external (dependencies, resolved to their built dist), like every other package.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
