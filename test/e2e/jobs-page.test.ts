/**
 * The Jobs page against the real agent: `rigshift headless --run-job` runs a real job in a
 * hardened container (real Docker, a busybox image built here); the page shows it running
 * with its live log, then in the history with its result record and output hash.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec } from '../../shared/domain/job';
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

describe.skipIf(!ready)('Jobs page in Chromium against rigshift headless running a real job', () => {
  const dir = tempDir('rigshift-e2e-jobs-');
  let image: JobTestImage;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    image = buildJobTestImage();
    const spec: JobSpec = {
      version: 1,
      // A stranger's name: a right-to-left override and a zero-width space must show as
      // marked characters, inside bidi isolation (renderer/components/UntrustedText.tsx).
      name: 'e2e render test \u202Etxt.exe\u200B',
      image: image.reference,
      entrypoint: ['/bin/sh', '-c'],
      command: ['for i in $(seq 1 25); do echo "frame $i rendered"; sleep 0.2; done; echo "hello from the job" > /workspace/out/result.txt'],
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
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await agent?.stop()).toBe(0);
    image?.remove();
    dir.cleanup();
  });

  it('shows the running job with its sandbox, network policy and live log', async () => {
    await page.goto(agent.url);
    await page.click('[data-testid="nav-jobs"]');
    await page.locator('[data-testid="page-jobs"]').waitFor();
    const running = page.locator('[data-testid="jobs-running"] [data-testid^="job-log-"]').first();
    await running.waitFor({ timeout: 30_000 });
    await expect.poll(() => running.textContent(), { timeout: 20_000 }).toMatch(/frame \d+ rendered/);
    expect(await page.textContent('[data-testid="sandbox-info"]')).toMatch(/runsc|runc/);
    expect(await page.textContent('[data-testid="sandbox-network"]')).toMatch(/no network/i);
  });

  it('moves it to the history with its result record and the output hash', async () => {
    const row = page.locator('[data-testid^="history-job-"]').first();
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getAttribute('data-reason')).toBe('completed');
    await page.locator('[data-testid^="history-toggle-"]').first().click();
    const output = page.locator('[data-testid$="-result.txt"]').first();
    await output.waitFor();
    const expected = createHash('sha256').update('hello from the job\n').digest('hex');
    expect(await output.textContent()).toContain(expected);
  }, 90_000);

  it('shows the job name isolated, with its hidden characters made visible', async () => {
    const name = page.locator('[data-testid^="history-job-"] th bdi').first();
    await name.waitFor({ timeout: 5000 });
    expect(await name.textContent()).toBe('e2e render test \\u{202E}txt.exe\\u{200B}');
    expect(await name.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate');
    expect(await name.locator('[title="A hidden or control character, shown by its code"]').count()).toBe(2);
    // No raw override or zero-width character anywhere in the page's text.
    expect(await page.evaluate(() => /[\u202A-\u202E\u2066-\u2069\u200B-\u200F]/.test(document.body.innerText))).toBe(false);
  });

  it('lets the owner allow internet for jobs, says what it means, and undo it', async () => {
    const toggle = page.locator('[data-testid="allow-egress"]');
    expect(await toggle.isChecked()).toBe(false);
    // The switch follows the agent's answer (it is the truth), so click and wait for it.
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await expect.poll(() => page.textContent('[data-testid="sandbox-network"]')).toMatch(/your LAN stays\s+blocked/);
    await page.reload();
    await page.locator('[data-testid="allow-egress"]').waitFor();
    expect(await page.locator('[data-testid="allow-egress"]').isChecked()).toBe(true);
    await page.locator('[data-testid="allow-egress"]').click();
    await expect.poll(() => page.locator('[data-testid="allow-egress"]').isChecked()).toBe(false);
    await page.click('[data-testid="allow-egress-undo"]');
    await expect.poll(() => page.locator('[data-testid="allow-egress"]').isChecked()).toBe(true);
    await page.locator('[data-testid="allow-egress"]').click();
    await expect.poll(() => page.locator('[data-testid="allow-egress"]').isChecked()).toBe(false);
    await expect.poll(() => page.textContent('[data-testid="sandbox-network"]')).toMatch(/cannot reach your LAN or the internet/);
  });

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
