import { defineConfig } from 'tsup';

const common = { entry: ['src/index.ts'], dts: true, sourcemap: true, target: 'node20' as const };
export default defineConfig([
  { ...common, format: ['esm'], clean: true },
  // zarrita and numcodecs ship ES modules only, which require() cannot load: the CommonJS build carries them.
  { ...common, format: ['cjs'], noExternal: ['zarrita', /^numcodecs/] },
]);
