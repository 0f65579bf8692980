/**
 * The owner's controls in a real browser against the real agent: `rigshift headless`
 * serving the built dashboard, driven through Debian's Chromium with playwright-core.
 * The schedule, the price floor, the pause buttons and undo go through the agent's
 * settings store, so a reload must show exactly what was saved.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

const cell = (day: number, slot: number) => `[data-testid="cell-${day}-${slot}"]`;

describe.skipIf(!ready)('owner controls in Chromium against rigshift headless', () => {
  const dir = tempDir('rigshift-e2e-controls-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  /** updateSettings calls the page has made so far. */
  let settingsCalls = 0;

  const cellOn = (day: number, slot: number) => page.getAttribute(cell(day, slot), 'data-on');

  async function centre(selector: string): Promise<{ x: number; y: number }> {
    const box = await page.locator(selector).boundingBox();
    if (!box) throw new Error(`${selector} is not visible`);
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  async function openControls(): Promise<void> {
    await page.locator('[data-testid="schedule-grid"]').waitFor();
    await page.locator('[data-testid="status-banner"]').waitFor();
  }

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
    page.on('request', (request) => {
      if (request.url().endsWith('/api/call/updateSettings')) settingsCalls += 1;
    });
  });

  afterAll(async () => {
    if (page && process.env.E2E_SCREENSHOTS) {
      await page.goto(`${agent.origin}/#/controls`);
      await openControls();
      mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'controls.png'), fullPage: true });
    }
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('opens the Controls page from its address, with the page link marked current', async () => {
    await page.goto(`${agent.url}#/controls`);
    await openControls();
    // The token leaves the address bar; the page stays.
    await expect.poll(() => page.url()).not.toContain('token=');
    expect(page.url()).toMatch(/#\/controls$/);
    expect(await page.getAttribute('[data-testid="nav-controls"]', 'aria-current')).toBe('page');
    expect(await page.locator('[data-testid^="cell-"]').count()).toBe(7 * 48);
  });

  it('applies the Overnight preset, paints extra cells by dragging, and saves the schedule', async () => {
    await page.click('[data-testid="schedule-preset-overnight"]');
    expect(await cellOn(0, 0)).toBe('1'); // Monday 00:00, inside 23:00–07:00
    expect(await cellOn(2, 20)).toBe('0'); // Wednesday 10:00

    // Wednesday 10:00 → Thursday 11:30: the drag starts on an empty cell, so it fills.
    const from = await centre(cell(2, 20));
    const to = await centre(cell(3, 23));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    for (const [day, slot] of [[2, 20], [2, 23], [3, 20], [3, 23]] as const) expect(await cellOn(day, slot)).toBe('1');
    expect(await cellOn(4, 20)).toBe('0');
    expect(await cellOn(3, 24)).toBe('0');

    // A drag that starts on a filled cell clears.
    const clearFrom = await centre(cell(3, 23));
    await page.mouse.move(clearFrom.x, clearFrom.y);
    await page.mouse.down();
    await page.mouse.up();
    expect(await cellOn(3, 23)).toBe('0');

    expect(await page.textContent('[data-testid="schedule-summary"]')).toMatch(/your hours/);
    await page.click('[data-testid="schedule-save"]');
    await page.locator('[data-testid="schedule-saved"]').waitFor();
  });

  it('saves a price floor of 0.25 USD per GPU-hour', async () => {
    await page.fill('[data-testid="floor-input"]', '0.25');
    await page.click('[data-testid="price-save"]');
    await page.locator('[data-testid="price-saved"]').waitFor();
    expect(await page.textContent('[data-testid="effective-floor"]')).toMatch(/0\.25/);
  });

  it('shows the saved schedule and floor after a reload', async () => {
    await page.reload();
    await openControls();
    expect(page.url()).toMatch(/#\/controls$/);
    await expect.poll(() => cellOn(2, 20)).toBe('1'); // painted
    expect(await cellOn(3, 22)).toBe('1'); // painted
    expect(await cellOn(3, 23)).toBe('0'); // painted, then cleared
    expect(await cellOn(0, 0)).toBe('1'); // overnight
    expect(await cellOn(6, 47)).toBe('1'); // overnight, Sunday 23:30
    expect(await cellOn(0, 20)).toBe('0');
    expect(await page.inputValue('[data-testid="floor-input"]')).toBe('0.25');
  });

  it('refuses a negative floor in place and sends nothing', async () => {
    const before = settingsCalls;
    await page.fill('[data-testid="floor-input"]', '-1');
    await page.click('[data-testid="price-save"]');
    const message = page.locator('[data-testid="floor-input-error"]');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/negative/i);
    expect(await page.getAttribute('[data-testid="floor-input"]', 'aria-invalid')).toBe('true');
    expect(settingsCalls).toBe(before);

    await page.reload();
    await openControls();
    await expect.poll(() => page.inputValue('[data-testid="floor-input"]')).toBe('0.25');
  });

  it('edits the grid from the keyboard, and discards the edit', async () => {
    await page.focus(cell(5, 30));
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('cell-5-31');
    await page.keyboard.press('Space');
    expect(await cellOn(5, 31)).toBe('1');
    expect(await page.getAttribute(cell(5, 31), 'aria-selected')).toBe('true');
    await page.click('[data-testid="schedule-discard"]');
    expect(await cellOn(5, 31)).toBe('0');
  });

  it('undoes a saved temperature limit within the undo window', async () => {
    await page.fill('[data-testid="temperature-input"]', '70');
    expect(await page.textContent('[data-testid="temperature-note"]')).toMatch(/Pauses at 70 °C, resumes below 65 °C/);
    await page.click('[data-testid="limits-save"]');
    await page.locator('[data-testid="limits-undo"]').click();
    await page.locator('[data-testid="limits-restored"]').waitFor();
    expect(await page.inputValue('[data-testid="temperature-input"]')).toBe('83');
  });

  it('shows each presence detector live, and saves the GPU-use threshold (refusing 0)', async () => {
    // No GPU, no desktop session on this machine: the GPU-use detector says why, the
    // watch list watches /proc, each with the time since when that holds.
    const gpu = page.locator('[data-testid="reading-gpuInUse"]');
    await expect.poll(() => gpu.textContent()).toMatch(/unavailable: libnvidia-ml\.so\.1 not found \(install the NVIDIA driver\)/);
    expect(await page.getAttribute('[data-testid="reading-gpuInUse"]', 'data-unavailable')).toBe('true');
    await page.locator('[data-testid="reading-gpuInUse-since"] time').waitFor();
    expect(await page.textContent('[data-testid="reading-processes"]')).toMatch(/none running now · since .* · via \/proc/);

    const before = settingsCalls;
    await page.fill('[data-testid="gpu-threshold"]', '0');
    await page.click('[data-testid="presence-save"]');
    await page.locator('[data-testid="presence-problem"]').waitFor();
    expect(await page.getAttribute('[data-testid="gpu-threshold"]', 'aria-invalid')).toBe('true');
    expect(settingsCalls).toBe(before);

    await page.fill('[data-testid="gpu-threshold"]', '12');
    await page.click('[data-testid="presence-save"]');
    await page.locator('[data-testid="presence-saved"]').waitFor();
    await page.reload();
    await openControls();
    await expect.poll(() => page.inputValue('[data-testid="gpu-threshold"]')).toBe('12');
  });

  it('pauses for an hour and resumes from the status banner', async () => {
    const banner = page.locator('[data-testid="status-banner"]');
    const device = banner.locator('[data-testid^="availability-"]').first();
    await device.waitFor();
    expect(await banner.getAttribute('data-paused')).toBe('false');

    await page.click('[data-testid="pause-hour"]');
    await expect.poll(() => page.textContent('[data-testid="pause-text"]')).toMatch(/Paused by you until/);
    expect(await banner.getAttribute('data-paused')).toBe('true');
    // The agent re-evaluates and pushes the new availability: paused, by the owner.
    await expect.poll(() => device.getAttribute('data-state')).toBe('paused');
    await expect.poll(() => device.getAttribute('data-reasons')).toMatch(/\bmanual\b/);

    await page.click('[data-testid="resume"]');
    await expect.poll(() => banner.getAttribute('data-paused')).toBe('false');
    expect(await page.locator('[data-testid="pause-text"]').count()).toBe(0);
    expect(await page.locator('[data-testid="resume"]').count()).toBe(0);
    await expect.poll(() => device.getAttribute('data-reasons')).not.toMatch(/\bmanual\b/);
  });

  it('keeps the page in the address: Overview and back', async () => {
    await page.click('[data-testid="nav-overview"]');
    await page.locator('[data-testid="page-overview"]').waitFor();
    expect(page.url()).toMatch(/#\/$/);
    await page.locator('[data-testid="status-banner"]').waitFor();
    await page.goBack();
    await page.locator('[data-testid="page-controls"]').waitFor();
  });

  it('reported no console errors, CSP violations or page errors', () => {
    expect(errors).toEqual([]);
  });
});
