import { defineConfig } from 'tsup';

// The workspace libs stay external (they are dependencies, resolved to their built dist), so their
// worker files — blend's Piscina worker — sit where the libs expect them.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
