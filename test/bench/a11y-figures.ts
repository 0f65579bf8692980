/**
 * Issue 13's accessibility figure: serious + critical axe-core violations per page of the
 * dashboard (the wizard, then every page after "Skip setup"), in Chromium against
 * `rigshift headless` on a fresh data dir without a devnet. Target 0 on every page; the
 * figure is the worst page's count. Needs `npm run build` and /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { launchChromium } from '../helpers/browser';
import { repoRoot } from '../helpers/cli';
import { startHeadlessAgent } from '../helpers/headless-process';
import { tempDir } from '../helpers/temp-dir';
import type { BenchFigure } from './figure';

const PAGES = ['overview', 'controls', 'jobs', 'market', 'earnings', 'wallet', 'about'];

export async function measureAxeViolations(): Promise<BenchFigure[]> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium) || !existsSync(join(repoRoot, 'dist/renderer/index.html'))) {
    console.log('SKIP  axe violations per page: needs Chromium and `npm run build`');
    return [];
  }
  const dir = tempDir('rigshift-bench-a11y-');
  const agent = await startHeadlessAgent(['--data-dir', dir.path]);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const count = async () =>
      (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').length;
    await page.goto(agent.url);
    await page.locator('[data-testid="wizard"]').waitFor();
    await page.waitForTimeout(1_000);
    const perPage: Record<string, number> = { setup: await count() };
    await page.click('[data-testid="wizard-skip-all"]');
    await page.locator('[data-testid="renting-state"]').waitFor();
    for (const name of PAGES) {
      await page.click(`[data-testid="nav-${name}"]`);
      await page.waitForTimeout(1_000);
      perPage[name] = await count();
    }
    console.log(`      axe serious+critical per page: ${Object.entries(perPage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const worst = Math.max(...Object.values(perPage));
    return [{ name: 'axe serious + critical violations, worst page (8 pages)', value: worst, unit: 'violations', target: 0, better: 'lower' }];
  } finally {
    await browser.close();
    await agent.stop();
    dir.cleanup();
  }
}
