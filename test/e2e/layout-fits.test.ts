/**
 * Issue 13, problem 10: layout at 1280×800. Before the fix a 128-character watch-list name
 * widened the Controls page (to 1565 px) and pushed the Add button out of its card, and the
 * Jobs table was cut off at 1280 px. Every page here must keep its content inside the window
 * (no horizontal scroll), and long names wrap.
 * Real `rigshift headless` with a finished busybox job from --run-job, in Chromium.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec } from '../../shared/domain/job';
import { agentApi } from '../helpers/agent-api';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { chromium, dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium()) &&
  need(dockerEngine()) &&
  need(busyboxAvailable());

// No hyphen or space to break at: the browser must break inside the word.
const LONG_NAME = `${'averylongprogramname'.repeat(7)}`.slice(0, 124) + '.exe';

describe.skipIf(!ready)('pages fit 1280×800 and long names wrap (Chromium, rigshift headless)', () => {
  const dir = tempDir('rigshift-e2e-layout-');
  let image: JobTestImage;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const api = <T = unknown>(name: string, request: unknown = {}) => agentApi(agent)<T>(name, request);

  /** The page's own width, beyond the window's: 0 when nothing sticks out. */
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  beforeAll(async () => {
    image = buildJobTestImage();
    const spec: JobSpec = {
      version: 1,
      name: 'layout test job with a rather long name that a requester chose to make the table wide',
      image: image.reference,
      entrypoint: ['/bin/sh', '-c'],
      command: ['echo done'],
      inputs: [],
      outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 128, scratchMiB: 0 },
      maxDurationSeconds: 60,
      preemptible: true,
      network: 'none',
    };
    const specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(spec));
    agent = await startHeadlessAgent(['--data-dir', join(dir.path, 'data'), '--run-job', specFile]);
    const settings = await api<{ controls: { presence: { processes: Record<string, unknown> } } }>('updateSettings', { patch: {} });
    expect(LONG_NAME).toHaveLength(128);
    await api('updateSettings', {
      patch: { controls: { presence: { ...settings.controls.presence, processes: { ...settings.controls.presence.processes, watchList: [LONG_NAME] } } } },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = watchPageErrors(page);
    await page.goto(agent.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    image?.remove();
    dir.cleanup();
  });

  it('a 128-character watch-list name wraps inside its card and never widens the page', async () => {
    await page.click('[data-testid="nav-controls"]');
    const chip = page.locator(`[data-testid="watchlist-item-${LONG_NAME}"]`);
    await chip.waitFor({ timeout: 10_000 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    // The chip and the Add button stay inside the editor's box.
    const box = await page.locator('.watchlist').boundingBox();
    for (const inner of [chip, page.locator('[data-testid="watchlist-add"]')]) {
      const b = await inner.boundingBox();
      expect(b!.x + b!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    }
  });

  it('the Jobs table fits 1280 px', async () => {
    await page.click('[data-testid="nav-jobs"]');
    await page.locator('[data-testid="page-jobs"]').waitFor();
    await expect.poll(() => page.textContent('[data-testid="page-jobs"]'), { timeout: 30_000 }).toContain('layout test job');
    await page.waitForTimeout(300);
    expect(await overflow()).toBeLessThanOrEqual(0);
    // No table is cut off (or scrolls sideways) inside its own box either.
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('table')]
        .filter((t) => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || t.parentElement!.scrollWidth > t.parentElement!.clientWidth + 1)
        .map((t) => `${t.getAttribute('data-testid') ?? t.className}: ${Math.round(t.getBoundingClientRect().width)} px`),
    );
    expect(clipped).toEqual([]);
  }, 60_000);

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
