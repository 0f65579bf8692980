/**
 * Issue 12, deliver 2, in a real browser against `rigshift headless` (no v2 market needed):
 * the Controls page explains why bidding the floor is the best bid under the uniform
 * second-price rule, worked out on the owner's own saved floor, and edits the requester rule
 * (settings.market.maxRequesterDisputesLost) with undo; axe finds no serious violation there.
 */
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/domain/settings';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { callAgent, type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

describe.skipIf(!ready)('Controls → Auctions and requesters in Chromium against rigshift headless', () => {
  const dir = tempDir('rigshift-e2e-v2-controls-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const rule = async () => (await callAgent<Settings>(agent, 'updateSettings', { patch: {} })).market.maxRequesterDisputesLost;

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    // The owner's own floor, without the break-even (which depends on this machine's card).
    const settings = await callAgent<Settings>(agent, 'updateSettings', { patch: {} });
    await callAgent(agent, 'updateSettings', { patch: { controls: { price: { ...settings.controls.price, floorMicrosPerHour: '250000', neverBelowBreakEven: false } } } });
    browser = await launchChromium();
    // axe needs a page of a context of its own.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = watchPageErrors(page);
    await page.goto(`${agent.url}#/controls`);
    await page.locator('[data-testid="second-price-explanation"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('works the example out on the saved floor: paid the lowest losing ask, never its own', async () => {
    const box = page.locator('[data-testid="second-price-explanation"]');
    expect(await box.getAttribute('data-floor-micros')).toBe('250000');
    expect(await page.textContent('[data-testid="second-price-truthful"]')).toBe(
      'You ask your floor, $0.25/h: you win and are paid $0.30/h, the lowest losing ask: $0.05/h above your floor.',
    );
    expect(await page.textContent('[data-testid="second-price-above"]')).toMatch(/You lose a job that would have paid you \$0\.30\/h/);
    expect(await page.textContent('[data-testid="second-price-below"]')).toMatch(/paid \$0\.225\/h, below your floor/);
  });

  it('saves the requester rule, offers undo, and undo puts the default back', async () => {
    expect(await page.inputValue('[data-testid="requester-rule-input"]')).toBe('2');
    await page.fill('[data-testid="requester-rule-input"]', 'five');
    expect(await page.textContent('[data-testid="requester-rule-error"]')).toMatch(/whole number/);
    expect(await page.isDisabled('[data-testid="requester-rule-save"]')).toBe(true);
    await page.fill('[data-testid="requester-rule-input"]', '5');
    expect(await page.textContent('[data-testid="requester-rule-meaning"]')).toMatch(/more than 5 disputes/);
    await page.click('[data-testid="requester-rule-save"]');
    await page.locator('[data-testid="requester-rule-saved"]').waitFor();
    expect(await rule()).toBe(5);
    await page.click('[data-testid="requester-rule-undo"]');
    await expect.poll(rule).toBe(2);
    await expect.poll(() => page.inputValue('[data-testid="requester-rule-input"]')).toBe('2');
  });

  it('has no serious or critical accessibility violation, and no page error', async () => {
    const results = await new AxeBuilder({ page }).include('#market-v2').analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
