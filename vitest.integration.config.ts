import { defineConfig } from 'vitest/config';
import path from 'node:path';

/** API and browser tests against the production build, started once by the global setup. */
export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname), 'server-only': path.resolve(__dirname, 'tests/support/server-only-stub.ts') } },
  test: {
    include: ['tests/api/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    expect: { poll: { timeout: 15_000, interval: 100 } },
    pool: 'forks',
  },
});
