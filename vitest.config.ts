import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['libs/*', 'apps/*', 'tools/make-test-data', 'tools/repo-checks', 'examples'],
    reporters: ['default', './tools/summary-reporter.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Two cores: one worker per core keeps heavy tests (ONNX sessions, s3rver) from starving each other.
    maxWorkers: 2,
  },
});
