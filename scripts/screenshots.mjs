#!/usr/bin/env node
/**
 * Screenshots of every page at 1280×800 and 1920×1080 into docs/screenshots/ (linked from
 * README). Runs `rigshift headless` on a fresh temporary data dir without a devnet (so the
 * pages show a newcomer's first look: the wizard, then each page after "Skip setup") and
 * Debian's Chromium through playwright-core. Needs `npm run build` first.
 *   node scripts/screenshots.mjs            (CHROMIUM_PATH overrides /usr/bin/chromium)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs', 'screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const PAGES = ['overview', 'controls', 'jobs', 'market', 'earnings', 'wallet', 'about'];

function startAgent(dataDir) {
  const child = spawn(process.execPath, [join(root, 'electron/cli/rigshift.js'), 'headless', '--port', '0', '--no-devnet', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rigshift headless printed no link:\n${log}`)), 60_000);
    const onData = (data) => {
      log += data;
      const match = /Open the dashboard: (\S+)/.exec(log);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, url: match[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (log += d));
    child.once('exit', (code) => reject(new Error(`rigshift headless exited (${code}):\n${log}`)));
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'rigshift-screenshots-'));
mkdirSync(out, { recursive: true });
const { child, url } = await startAgent(dataDir);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: size });
    await page.goto(url);
    const suffix = `${size.width}x${size.height}`;
    const wizard = page.locator('[data-testid="wizard"]');
    if (await wizard.count().then((n) => n > 0, () => false)) {
      await page.locator('[data-testid="check-docker-engine"]').waitFor({ timeout: 20_000 }).catch(() => undefined);
      await page.screenshot({ path: join(out, `setup-${suffix}.png`) });
      await page.click('[data-testid="wizard-skip-all"]');
    }
    await page.locator('[data-testid="renting-state"]').waitFor({ timeout: 20_000 });
    for (const name of PAGES) {
      await page.click(`[data-testid="nav-${name}"]`);
      await page.waitForTimeout(1_000); // the page's own data arrives
      await page.screenshot({ path: join(out, `${name}-${suffix}.png`) });
      process.stdout.write(`docs/screenshots/${name}-${suffix}.png\n`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
