import { defineConfig } from 'tsup';

// Bundles the workspace libs; every third-party package stays external — also those only the libs
// depend on (cli-progress…), which are installed beside the app (npm ci -w @voxelflow/ink) and which
// esbuild cannot bundle into ESM when they require Node built-ins.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  noExternal: [/^@voxelflow\//],
  external: [/^(?!@voxelflow\/)[^./]/],
  banner: { js: '#!/usr/bin/env node' },
  esbuildOptions(o) {
    o.conditions = ['@voxelflow/source'];
  },
});
