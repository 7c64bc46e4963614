import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname), 'server-only': path.resolve(__dirname, 'tests/support/server-only-stub.ts') } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    globalSetup: ['tests/support/unit-tmp.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
