/**
 * Issue 13, problem 5: prices that agree. A benchmark started while a job runs is refused
 * (before the fix it ran beside the job, measured a busy CPU and became the reference for
 * the suggested price); and on this CPU-only machine the suggestion is never below the
 * electricity break-even the same panel shows (before: "Use suggested $0.00011/h" next to
 * a break-even of 0.018 USD/h, and "break-even unknown" while the agent claimed at 0.0198).
 * Real Docker: a busybox job from `--run-job`, then the quick CPU benchmark.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec } from '../../shared/domain/job';
import type { Snapshot } from '../../shared/domain/snapshot';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { chromium, dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(fileExists(join(repoRoot, 'resources/images/rigshift-bench-cpu.tar'), 'npm run build:images')) &&
  need(chromium()) &&
  need(dockerEngine()) &&
  need(busyboxAvailable());

describe.skipIf(!ready)('benchmark and suggested price agree with the break-even (Chromium, rigshift headless)', () => {
  const dir = tempDir('rigshift-e2e-prices-');
  let image: JobTestImage;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const api = async <T = unknown>(name: string, body: unknown = {}) => {
    const response = await fetch(`${agent.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { ok: boolean; value: T; error?: { code: string } };
  };
  const snapshot = async () => (await api<Snapshot>('getSnapshot')).value;

  beforeAll(async () => {
    image = buildJobTestImage();
    const spec: JobSpec = {
      version: 1,
      name: 'prices e2e job',
      image: image.reference,
      entrypoint: ['/bin/sh', '-c'],
      command: ['sleep 12'],
      inputs: [],
      outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 128, scratchMiB: 0 },
      maxDurationSeconds: 60,
      preemptible: true,
      network: 'none',
    };
    const specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(spec));
    agent = await startHeadlessAgent(['--data-dir', join(dir.path, 'data'), '--quick-bench', '--run-job', specFile]);
    await api('updateSettings', { patch: { onboarding: { firstRunDone: true } } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    image?.remove();
    dir.cleanup();
  });

  it('refuses a benchmark while a job runs, and says why', async () => {
    await expect.poll(async () => (await snapshot()).jobs.active.length, { timeout: 30_000 }).toBe(1);
    await page.goto(agent.url);
    await page.selectOption('[data-testid="benchmark-target"]', { value: 'cpu' });
    await page.click('[data-testid="benchmark-start"]');
    const error = page.locator('[data-testid="benchmark-error"]');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toMatch(/A job is running on this PC/);
    expect((await snapshot()).benchmark.active).toBeNull();
    expect((await api('listBenchmarks', {})).value).toEqual([]);
  }, 45_000);

  it('after the job, the suggested price is at least the break-even + margin the panel shows', async () => {
    await expect.poll(async () => (await snapshot()).jobs.active.length, { timeout: 40_000 }).toBe(0);
    const started = await api<{ runId: string }>('startBenchmark', { target: { kind: 'cpu' } });
    expect(started.ok).toBe(true);
    await expect.poll(async () => (await snapshot()).benchmark.history.length, { timeout: 120_000 }).toBe(1);
    await page.click('[data-testid="nav-controls"]');
    const button = page.locator('[data-testid="use-suggested-price"]');
    await button.waitFor();
    // 90 W for the rest of the PC at 0.18 USD/kWh, 90 % PSU: 0.018 USD/h, + 10 % = 0.0198.
    expect(await page.textContent('[data-testid="break-even"]')).toMatch(/Break-even 0\.018 USD\/h/);
    const price = Number(/\$([0-9.]+)\/h/.exec((await button.textContent()) ?? '')?.[1]);
    expect(price).toBeGreaterThanOrEqual(0.0198);
    expect(await page.textContent('[data-testid="suggested-price-basis"]')).toMatch(/break-even/);
  }, 180_000);

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
