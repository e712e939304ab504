import { defineConfig } from 'tsup';

export default defineConfig({
  // The pipeline's part processes fork dist/pipeline-child.js, so it is its own entry.
  entry: ['src/index.ts', 'src/pipeline-child.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  shims: true,
});
