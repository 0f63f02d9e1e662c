import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // vitest's own summary, then one plain `tests: N passed, N failed, N skipped` line as the run's last (see the reporter).
    reporters: ['default', './packages/testing/src/closing-line-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // No I/O, but some tests validate a whole OpenAPI document or generate a graph: seconds on a loaded 2-core machine.
          testTimeout: 15_000,
          include: ['bench/test/unit/**/*.test.ts', 'chaos/test/unit/**/*.test.ts', 'packages/*/test/unit/**/*.test.ts', 'services/*/test/{unit,http,contract}/**/*.test.ts', 'test/tooling/**/*.test.ts', 'test/deploy/**/*.test.ts', 'test/monitoring/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['bench/test/integration/**/*.test.ts', 'chaos/test/integration/**/*.test.ts', 'packages/*/test/integration/**/*.test.ts', 'services/*/test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/monitoring/integration/**/*.test.ts'],
          globalSetup: ['./packages/testing/src/real-stack-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          // The servers are shared; files run one at a time so they do not fight over the 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
