import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// s3rver needs --openssl-legacy-provider for paginated listings; startS3rver runs it in a child process
// with that flag, so the test workers themselves need no extra Node flags.
export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: 'remote-storage',
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      testTimeout: 20_000,
    },
  }),
);
