import { defineConfig } from 'vitest/config';

// One runner for every tier: unit (no outside world), integration (real Docker engine),
// e2e (the headless agent driven through Debian's Chromium with playwright-core).
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Integration and e2e tests share one Docker engine and a 2-core machine.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
