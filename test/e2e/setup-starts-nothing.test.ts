/**
 * Issue 13, problems 1 and 2: setup starts nothing early and loses nothing. A fresh data
 * dir does not bid until the wizard's "Start renting" (before the fix, market.bidding
 * defaulted to true and the agent claimed jobs while the owner was still on step 4);
 * leaving the hours-and-price step with unsaved edits asks to save or discard (before, it
 * dropped them); and a floor below the electricity break-even needs an explicit yes.
 * On a machine without an NVIDIA GPU the break-even is the CPU's: the rest of the PC's
 * draw (90 W at 0.18 USD/kWh, 90 % PSU: 0.018 USD/h), as the agent prices CPU jobs.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketOverview } from '../../shared/domain/market';
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

describe.skipIf(!ready)('setup starts nothing early and loses no edit (Chromium, rigshift headless)', () => {
  const dir = tempDir('rigshift-e2e-setup-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const step = () => page.getAttribute('[data-testid="wizard"]', 'data-step');
  const api = async <T = unknown>(name: string, body: unknown = {}) => {
    const response = await fetch(`${agent.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { ok: boolean; value: T };
  };
  const settings = async () => (await api<Snapshot>('getSnapshot')).value.settings;

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('a fresh install does not bid while the owner is in the wizard', async () => {
    await page.goto(agent.url);
    await page.locator('[data-testid="wizard"]').waitFor();
    expect((await settings()).market.bidding).toBe(false);
    const status = async () => (await api<MarketOverview>('getMarket')).value.status;
    expect((await status()).biddingWanted).toBe(false);
    // The blocks are worked out on the market's first tick.
    await expect.poll(async () => (await status()).blocks.map((b) => b.code), { timeout: 10_000 }).toContain('bidding-off');
    // checks → benchmark → wallet, skipping the two that need Docker and a password.
    await page.click('[data-testid="wizard-next"]');
    await expect.poll(step).toBe('benchmark');
    await page.click('[data-testid="wizard-skip"]');
    await expect.poll(step).toBe('wallet');
    await page.click('[data-testid="wizard-skip"]');
    await expect.poll(step).toBe('controls');
    expect((await settings()).market.bidding).toBe(false);
  });

  it('Continue with an unsaved floor asks; "Stay" keeps the edit, "Discard" drops it', async () => {
    await page.fill('[data-testid="floor-input"]', '0.5');
    await page.click('[data-testid="wizard-next"]');
    const prompt = page.locator('[data-testid="wizard-unsaved"]');
    await prompt.waitFor();
    expect(await prompt.textContent()).toMatch(/unsaved changes.*Price floor/);
    expect(await step()).toBe('controls');
    await page.click('[data-testid="wizard-unsaved-stay"]');
    expect(await prompt.count()).toBe(0);
    expect(await page.inputValue('[data-testid="floor-input"]')).toBe('0.5');
    expect(await step()).toBe('controls');

    await page.click('[data-testid="wizard-next"]');
    await page.click('[data-testid="wizard-unsaved-discard"]');
    await expect.poll(step).toBe('start');
    expect((await settings()).controls.price.floorMicrosPerHour).toBe('0');
  });

  it('"Save and go on" saves the edit before it moves on', async () => {
    await page.click('[data-testid="wizard-go-controls"]');
    await expect.poll(step).toBe('controls');
    await page.fill('[data-testid="floor-input"]', '0.5');
    await page.click('[data-testid="wizard-next"]');
    await page.click('[data-testid="wizard-unsaved-save"]');
    await expect.poll(step).toBe('start');
    expect((await settings()).controls.price.floorMicrosPerHour).toBe('500000');
  });

  it('a saved floor below the break-even cannot be left without an explicit yes', async () => {
    await page.click('[data-testid="wizard-go-controls"]');
    await expect.poll(step).toBe('controls');
    // The CPU's break-even is shown (not "unknown"), as the agent prices CPU jobs.
    expect(await page.textContent('[data-testid="break-even"]')).toMatch(/Break-even 0\.018 USD\/h/);
    await page.click('[data-testid="never-below-break-even"]');
    await page.fill('[data-testid="floor-input"]', '0.01');
    await page.click('[data-testid="price-save"]');
    await page.locator('[data-testid="price-saved"]').waitFor();
    await page.click('[data-testid="wizard-next"]');
    const prompt = page.locator('[data-testid="wizard-below-break-even"]');
    await prompt.waitFor();
    expect(await prompt.textContent()).toMatch(/0\.01 USD\/h.*0\.018 USD\/h/);
    await page.click('[data-testid="wizard-below-break-even-stay"]');
    expect(await step()).toBe('controls');
    await page.click('[data-testid="wizard-next"]');
    await page.click('[data-testid="wizard-below-break-even-confirm"]');
    await expect.poll(step).toBe('start');
  });

  it('still bids nothing at the last step; "Start renting" turns bidding on', async () => {
    expect((await settings()).market.bidding).toBe(false);
    expect(await page.textContent('[data-testid="wizard"]')).toMatch(/claims no job.*until you press Start renting/);
    await page.click('[data-testid="wizard-start-renting"]');
    await page.locator('[data-testid="renting-state"]').waitFor();
    await expect.poll(async () => (await settings()).market.bidding).toBe(true);
    expect((await api<MarketOverview>('getMarket')).value.status.biddingWanted).toBe(true);
  });

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
