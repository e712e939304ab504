import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker is its own entry: Piscina loads dist/accumulate-worker.js beside dist/index.js.
  entry: ['src/index.ts', 'src/accumulate-worker.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url locates the worker; the CJS build needs tsup's shim for it.
  shims: true,
});
