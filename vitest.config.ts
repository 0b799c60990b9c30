import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    // Tests talk only to the local emulator: never let the credential chain fall through to the
    // ECS instance metadata service (100.100.100.200) when a test runs without keys.
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' },
  },
});
