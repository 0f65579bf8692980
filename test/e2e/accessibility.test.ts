/**
 * Issue 13, deliver 6 and 9: every page checked with axe-core (@axe-core/playwright) in
 * Chromium against `rigshift headless`: no serious or critical violation on any page.
 * A fresh data dir (the wizard), then each page of the dashboard after the first run.
 */
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
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

export const PAGES = ['overview', 'controls', 'jobs', 'market', 'earnings', 'wallet', 'about'] as const;

/** Serious and critical violations, one line each: rule, impact, the first offending nodes. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")} [${n.any[0]?.message ?? ""}]`).join(" | ")}`);
}

describe.skipIf(!ready)('accessibility of every page (axe-core in Chromium, rigshift headless)', () => {
  const dir = tempDir('rigshift-e2e-a11y-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    errors = watchPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('the first-run wizard has no serious or critical violation', async () => {
    await page.goto(agent.url);
    await page.locator('[data-testid="wizard"]').waitFor();
    await page.locator('[data-testid="check-docker-engine"]').waitFor({ timeout: 20_000 });
    expect(await seriousViolations(page)).toEqual([]);
  }, 60_000);

  for (const name of PAGES) {
    it(`the ${name} page has no serious or critical violation`, async () => {
      if (await page.locator('[data-testid="wizard-skip-all"]').count()) {
        await page.click('[data-testid="wizard-skip-all"]');
        await page.locator('[data-testid="renting-state"]').waitFor();
      }
      await page.click(`[data-testid="nav-${name}"]`);
      await page.waitForTimeout(1_000); // the page's own queries answer
      expect(await seriousViolations(page)).toEqual([]);
    }, 60_000);
  }

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
