import { defineConfig } from 'tsup';

export default defineConfig({
  // The session worker is its own entry, loaded from beside dist/index.js.
  entry: ['src/index.ts', 'src/session-worker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  shims: true,
});
