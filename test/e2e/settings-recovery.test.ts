/**
 * Settings that failed closed, as the owner meets them: `rigshift headless` started over a
 * damaged settings file shows the notice on the overview page (paused, bidding off, what
 * was lost), and "Restore the last good settings" puts the owner's settings back.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/domain/settings';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

async function call<T>(agent: HeadlessProcess, name: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${agent.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = (await response.json()) as { ok: boolean; value?: T };
  if (!result.ok) throw new Error(`${name} failed`);
  return result.value as T;
}

describe.skipIf(!ready)('settings recovery notice in Chromium against rigshift headless', () => {
  const dir = tempDir('rigshift-e2e-settings-recovery-');
  let agent: HeadlessProcess | null = null;
  let browser: Browser | null = null;
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    dir.cleanup();
  });

  it('shows what was lost and restores the last good settings on a click', async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    await call(agent, 'pauseRenting', { duration: 'indefinite' });
    const saved = await call<Settings>(agent, 'updateSettings', { patch: { ui: { theme: 'dark' }, onboarding: { firstRunDone: true } } });
    await agent.stop();
    writeFileSync(join(dir.path, 'settings.json'), '{"schemaVersion": 5, "ui": ');

    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchPageErrors(page);
    await page.goto(agent.url);
    const notice = page.locator('[data-testid="settings-recovery"]');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/renting is paused.*started paused, with market bidding off/s);
    await page.click('[data-testid="settings-restore"]');
    await notice.waitFor({ state: 'detached' });
    expect((await call<{ settings: Settings }>(agent, 'getSnapshot')).settings).toEqual(saved);
    expect(errors).toEqual([]);
  }, 120_000);
});
