import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { hasShared } from './src/test-support/shared.js';
import { testFilesImporting } from './src/test-support/shared-users.js';
import { SummaryReporter } from './src/test-support/summary-reporter.js';

const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];

// With the shared data here, the test files that read it (they import src/test-support/shared.ts,
// directly or through another module) run once more as a clone alone runs them: without it.
// They must pass or skip with a reason. Without the shared data the main run is that check.
const root = fileURLToPath(new URL('.', import.meta.url));
const withoutShared = hasShared ? testFilesImporting(root, ['src', 'test'], 'src/test-support/shared.ts') : [];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real registries and read 50-70 MB images: keep to the 2 cores CI has.
    pool: 'forks',
    maxWorkers: 2,
    // The summary ends every run, passed or failed: skipped tests with their reasons, then `tests: …`.
    reporters: ['default', new SummaryReporter()],
    projects: [
      { extends: true, test: { name: 'main', include } },
      ...(withoutShared.length === 0
        ? []
        : [{ extends: true, test: { name: 'without-shared', include: withoutShared, env: { SHIPSHAPE_SHARED: '/nonexistent/shipshape-shared' } } }]),
    ],
  },
});
