/**
 * A newcomer's first run, end to end: `rigshift headless` with a fresh data dir (and the
 * local devnet it starts), the dashboard in Chromium, the wizard from the first page to
 * "renting": checks → benchmark (quick CPU run, real Docker) → wallet (imported, real
 * keystore) → hours and price floor → start. Then the dashboard shows renting on, the
 * choices survive a reload, a reminder reopens its step, and the About page has versions.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared/domain/snapshot';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, dockerEngine, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(fileExists(join(repoRoot, 'resources/images/rigshift-bench-cpu.tar'), 'npm run build:images')) &&
  need(dockerEngine()) &&
  need(chromium());

// Hardhat's well-known test account #7: devnet only, never holds real value.
const DEVNET_KEY = '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356';

describe.skipIf(!ready)('first-run wizard in Chromium against rigshift headless', () => {
  const dir = tempDir('rigshift-e2e-onboarding-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const step = () => page.getAttribute('[data-testid="wizard"]', 'data-step');
  const progressState = (name: string) => page.getAttribute(`[data-testid="wizard-progress"] li:nth-child(${name})`, 'data-state');
  const api = async <T = unknown>(name: string, body: unknown = {}) => {
    const response = await fetch(`${agent.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { ok: boolean; value: T };
  };

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path, '--quick-bench']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
  });

  afterAll(async () => {
    if (page && process.env.E2E_SCREENSHOTS) {
      mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'onboarding-dashboard.png'), fullPage: true });
    }
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('a fresh data dir opens the wizard at the machine checklist, with the progress shown', async () => {
    await page.goto(agent.url);
    await page.locator('[data-testid="wizard"]').waitFor();
    expect(await step()).toBe('checks');
    expect(await page.locator('[data-testid="wizard-progress"] li').count()).toBe(5);
    expect(await progressState('1')).toBe('current');
    await page.locator('[data-testid="check-docker-engine"]').waitFor();
    await expect.poll(() => page.getAttribute('[data-testid="check-docker-engine"]', 'data-state')).toBe('ok');
  });

  it('moves on from the keyboard, and the new step\'s heading takes the focus', async () => {
    await page.focus('[data-testid="wizard-next"]');
    await page.keyboard.press('Enter');
    await expect.poll(step).toBe('benchmark');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('wizard-title');
    expect(await progressState('1')).toBe('done');
    // Nothing measured yet: Continue waits for a benchmark (or a skip).
    expect(await page.isDisabled('[data-testid="wizard-next"]')).toBe(true);
  });

  it('runs the quick CPU benchmark with progress, then continues', async () => {
    await page.selectOption('[data-testid="benchmark-target"]', { value: 'cpu' });
    await page.click('[data-testid="benchmark-start"]');
    await page.locator('[data-testid="benchmark-progress"]').waitFor();
    await page.locator('[data-testid="benchmark-results"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.isDisabled('[data-testid="wizard-next"]')).toBe(false);
    await page.click('[data-testid="wizard-next"]');
    await expect.poll(step).toBe('wallet');
  }, 150_000);

  it('imports a wallet, which moves the wizard on by itself', async () => {
    await page.click('[data-testid="wallet-choose-import"]');
    await page.click('[data-testid="wallet-import-key"]');
    await page.fill('[data-testid="wallet-import-secret"]', DEVNET_KEY);
    await page.fill('[data-testid="wallet-import-password"]', 'onboarding test password 42');
    await page.fill('[data-testid="wallet-import-password-repeat"]', 'onboarding test password 42');
    await page.click('[data-testid="wallet-import-save"]');
    await expect.poll(step, { timeout: 60_000 }).toBe('controls');
    expect(await progressState('3')).toBe('done');
  }, 90_000);

  it('saves a price floor in the hours-and-price step, then continues', async () => {
    await page.locator('[data-testid="schedule-grid"]').waitFor();
    await page.fill('[data-testid="floor-input"]', '0.25');
    await page.click('[data-testid="price-save"]');
    await page.locator('[data-testid="price-saved"]').waitFor();
    await page.click('[data-testid="wizard-next"]');
    await expect.poll(step).toBe('start');
    expect(await page.locator('[data-testid="wizard-skipped-summary"]').count()).toBe(0);
  });

  it('starts renting and lands on the dashboard with renting on', async () => {
    await page.click('[data-testid="wizard-start-renting"]');
    await page.locator('[data-testid="renting-state"]').waitFor();
    expect(await page.locator('[data-testid="wizard"]').count()).toBe(0);
    expect(page.url()).toMatch(/#\/$/);
    expect(await page.getAttribute('[data-testid="renting-state"]', 'data-enabled')).toBe('true');
    await page.locator('[data-testid="today-earnings"]').waitFor();
    expect(await page.textContent('[data-testid="current-job"]')).toMatch(/No job is running/);
    // The agent stored it: the first run is over, bidding on, no pause, the floor saved.
    const snapshot = await api<Snapshot>('getSnapshot');
    expect(snapshot.value.settings.onboarding).toEqual({ firstRunDone: true, skipped: [] });
    expect(snapshot.value.settings.market.bidding).toBe(true);
    expect(snapshot.value.settings.controls.pause).toEqual({ kind: 'none' });
    expect(snapshot.value.settings.controls.price.floorMicrosPerHour).toBe('250000');
    const wallet = await api<{ address: string | null }>('getWallet');
    expect(wallet.value.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  it('stays on the dashboard after a reload (the wizard does not come back)', async () => {
    await page.reload();
    await page.locator('[data-testid="renting-state"]').waitFor();
    expect(await page.locator('[data-testid="wizard"]').count()).toBe(0);
  });

  it('a skipped step comes back as a reminder that reopens that step', async () => {
    const saved = await api('updateSettings', { patch: { onboarding: { skipped: ['controls'] } } });
    expect(saved.ok).toBe(true);
    const reminder = page.locator('[data-testid="attention-skipped-controls"]');
    await reminder.waitFor();
    await reminder.locator('a').click();
    await expect.poll(step).toBe('controls');
    await page.click('[data-testid="wizard-next"]'); // "Done": the reminder goes away
    await page.locator('[data-testid="renting-state"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="attention-skipped-controls"]').count()).toBe(0);
  });

  it('the About page lists the versions', async () => {
    await page.click('[data-testid="nav-about"]');
    await page.locator('[data-testid="about-versions"]').waitFor();
    expect(await page.textContent('[data-testid="about-node-js"]')).toContain(process.versions.node.split('.')[0]!);
    expect(await page.textContent('[data-testid="about-docker-engine"]')).toMatch(/\d+\.\d+/);
    expect(await page.textContent('[data-testid="about-network"]')).toMatch(/devnet|31337/i);
  });

  it('reported no console errors, CSP violations or page errors', () => {
    expect(errors).toEqual([]);
  });
});
