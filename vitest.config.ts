import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real registries and read 50-70 MB images: keep to the 2 cores CI has.
    pool: 'forks',
    maxWorkers: 2,
  },
});
