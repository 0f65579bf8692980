/**
 * A newcomer's path through the real parts: `rigshift headless` (the real agent, real
 * Docker engine, real nvidia-smi probing) and Debian's Chromium showing the dashboard.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium()) &&
  need(dockerEngine()) &&
  need(fileExists(join(repoRoot, 'resources/images/rigshift-bench-cpu.tar'), 'npm run build:images'));

describe.skipIf(!ready)('dashboard in Chromium against rigshift headless', () => {
  const dir = tempDir('rigshift-e2e-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path, '--quick-bench']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
  });

  afterAll(async () => {
    if (page && process.env.E2E_SCREENSHOTS) {
      mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'dashboard.png'), fullPage: true });
    }
    await browser?.close();
    expect(await agent?.stop()).toBe(0);
    dir.cleanup();
  });

  it('without the token the page (the public bundle) holds no data and says how to get in', async () => {
    const stranger = await browser.newPage();
    await stranger.goto(`${agent.origin}/`);
    await stranger.locator('[data-testid="unauthorized"]').waitFor();
    expect(await stranger.textContent('body')).toMatch(/access token/);
    await stranger.close();
  });

  it('shows the machine checklist with traffic lights, and no GPU as a normal state', async () => {
    await page.goto(agent.url);
    // The token is taken out of the visible URL once the page has it.
    await expect.poll(() => page.url()).not.toContain('token=');
    // A fresh data dir opens the first-run wizard (test/e2e/onboarding.test.ts); skip it.
    await page.click('[data-testid="wizard-skip-all"]');
    for (const id of ['nvidia-driver', 'nvidia-smi', 'docker-engine', 'nvidia-container-runtime', 'gvisor-runsc']) {
      await page.locator(`[data-testid="check-${id}"]`).waitFor();
    }
    await expect.poll(() => page.getAttribute('[data-testid="check-docker-engine"]', 'data-state')).toBe('ok');
    const gpuCards = await page.locator('[data-testid^="gpu-"]').count();
    if (gpuCards === 0) {
      await page.locator('[data-testid="no-gpu"]').waitFor();
      expect(await page.getAttribute('[data-testid="check-nvidia-driver"]', 'data-state')).toBe('info');
    }
  });

  it('exposes no Node to the page', async () => {
    const globals = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      module: typeof (window as unknown as { module?: unknown }).module,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined' });
  });

  it('runs the CPU benchmark with live progress and shows the results against the reference', async () => {
    await page.selectOption('[data-testid="benchmark-target"]', { value: 'cpu' });
    await page.click('[data-testid="benchmark-start"]');
    const bar = page.locator('[data-testid="benchmark-progress"]');
    await bar.waitFor();
    expect(await bar.getAttribute('role')).toBe('progressbar');
    await page.locator('[data-testid="benchmark-results"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.textContent('[data-testid="benchmark-status"]')).toMatch(/completed/i);
    for (const metric of ['cpu_fp32_gflops', 'cpu_mem_bw_gbps']) {
      const row = page.locator(`[data-testid="metric-${metric}"]`);
      await row.waitFor();
      expect(await row.textContent()).toMatch(/\d/);
    }
    // CPUs have no reference peak: the page says so instead of drawing an empty chart.
    await page.locator('[data-testid="cpu-no-reference"]').waitFor();
    expect(await page.locator('[data-testid="comparison-chart"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="benchmark-runtime"]')).toMatch(/runc|runsc/);
    expect(await page.locator('[data-testid^="history-"]').count()).toBeGreaterThan(0);
  }, 150_000);

  it('cancels a running benchmark from the page, and says so', async () => {
    await page.click('[data-testid="benchmark-start"]');
    await page.locator('[data-testid="benchmark-progress"]').waitFor();
    await page.click('[data-testid="benchmark-cancel"]');
    await expect
      .poll(() => page.textContent('[data-testid="benchmark-status"]'), { timeout: 30_000 })
      .toMatch(/cancelled/i);
    expect(await page.getAttribute('[data-testid="benchmark-results"]', 'data-status')).toBe('cancelled');
  }, 60_000);

  it('reported no console errors, CSP violations or page errors', () => {
    expect(errors).toEqual([]);
  });
});
