import { defineConfig } from 'vitest/config';

// Vitest forwards ssr.resolve.conditions to its Node workers as --conditions flags. Vite's default
// 'module' condition must stay out: with it Node loads bundler-only builds (@aws-sdk/*'s dist-es) and fails.
const conditions = ['@voxelflow/source', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
