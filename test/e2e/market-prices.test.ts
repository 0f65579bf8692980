/**
 * Market prices on the Controls page in Chromium against `rigshift headless` without a v2
 * market (issue 12, item 3): the agent answers getMarketPrices with "No market data yet", the
 * page says so, and the suggestion falls back (here, with no benchmark either, to the
 * electricity break-even + margin of this machine); using it fills the floor field.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketPrices } from '../../shared/domain/market-prices';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

describe.skipIf(!ready)('market prices on the Controls page without a v2 market (Chromium, rigshift headless)', () => {
  const dir = tempDir('rigshift-e2e-market-prices-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

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

  it('the agent answers "no market data yet"', async () => {
    const response = await fetch(`${agent.origin}/api/call/getMarketPrices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const answer = (await response.json()) as { ok: boolean; value: MarketPrices };
    expect(answer.ok).toBe(true);
    expect(answer.value).toMatchObject({ status: 'none', week: { count: 0, medianMicros: null }, hourly: [] });
    expect(answer.value.message).toMatch(/^No market data yet: .*no v2 market/);
  });

  it('the price section says so and suggests the break-even + margin, which the button puts in the floor field', async () => {
    await page.goto(`${agent.url}#/controls`);
    const none = page.locator('[data-testid="market-prices-none"]');
    await none.waitFor();
    expect(await none.textContent()).toMatch(/^No market data yet: /);
    const basis = page.locator('[data-testid="suggested-price-basis"]');
    // No GPU here: the PC's 90 W at 0.18 USD/kWh through a 90 % PSU = 0.018 USD/h, + 10 %.
    expect(await basis.textContent()).toBe('your electricity break-even + 10 % (no market data and no benchmark yet)');
    const button = page.locator('[data-testid="use-suggested-price"]');
    expect(await button.textContent()).toBe('Use suggested $0.0198/h');
    await button.click();
    expect(await page.inputValue('[data-testid="floor-input"]')).toBe('0.0198');
  });

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
