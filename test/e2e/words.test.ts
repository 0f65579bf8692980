/**
 * Issue 13, problem 9: words. On a CPU-only machine the hardware card said "renting needs
 * an NVIDIA card" while RigShift rents CPU jobs; the status banner said "AVAILABLE
 * Available"; a fresh install's dashboard said "You switched bidding off" to an owner who
 * never did.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared/domain/snapshot';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

describe.skipIf(!ready)('words a gamer reads on the dashboard (Chromium, rigshift headless)', () => {
  const dir = tempDir('rigshift-e2e-words-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = watchPageErrors(page);
    await page.goto(agent.url);
    await page.click('[data-testid="wizard-skip-all"]');
    await page.locator('[data-testid="renting-state"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('never says the same word twice in the status banner', async () => {
    const row = page.locator('[data-testid="status-banner"] li[data-testid^="availability-"]').first();
    await row.locator('.status-label').waitFor();
    const label = (await row.locator('.status-label').textContent())!.trim().toLowerCase();
    const headline = (await row.locator('[data-testid="availability-headline"]').textContent())!.trim().replace(/\.$/, '').toLowerCase();
    expect(headline).not.toBe(label);
  });

  it('a CPU-only machine gets CPU words, not "renting needs an NVIDIA card"', async () => {
    const response = await fetch(`${agent.origin}/api/call/getSnapshot`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const snapshot = ((await response.json()) as { value: Snapshot }).value;
    if ((snapshot.detection?.gpus.length ?? 0) > 0) return; // a machine with a card: nothing to check here
    const message = page.locator('[data-testid="no-gpu"]');
    await message.waitFor();
    expect(await message.textContent()).not.toMatch(/renting needs an NVIDIA card/);
    expect(await message.textContent()).toMatch(/rents this PC's CPU/);
  });

  it('a fresh install is not told it switched bidding off', async () => {
    await expect.poll(() => page.textContent('[data-testid="renting-state"]'), { timeout: 10_000 }).toMatch(/Start renting/);
    expect(await page.textContent('[data-testid="renting-state"]')).not.toMatch(/You switched bidding off/);
  });

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
