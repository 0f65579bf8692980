import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    // Files run one after another: integration, e2e and security tests share one Docker
    // engine (one of them reloads the benchmark image others use) and timing-sensitive
    // attacks (the output bomb) must not compete for 2 cores. Measured: 2m22s sequential
    // against about 2m in parallel, so little is lost.
    fileParallelism: false,
    // Tests point custom networks at their own throwaway Hardhat nodes on loopback and want
    // devnet rules there (electron/agent/chain/local-chain-rules.ts); agents they spawn inherit it.
    // RIGSHIFT_RUNTIME_DIR: where `rigshift devnet` publishes its deployment for agents with
    // any data dir (deployment-file.ts); one folder per run, so no test agent ever attaches
    // to the owner's demo devnet or to another run's.
    env: { RIGSHIFT_LOOPBACK_DEVNET_RULES: '1', RIGSHIFT_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'rigshift-test-runtime-')) },
  },
});
