import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker is its own entry: localizeProject starts it from beside the built index.
  entry: ['src/index.ts', 'src/localize-worker.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url locates the worker; the CJS build needs it shimmed.
  shims: true,
});
