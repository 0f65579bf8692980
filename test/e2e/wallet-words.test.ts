/**
 * Issue 13, problem 6: wallet errors in the token's units and a person's words. Before the
 * fix: "The wallet holds only 10000000 tUSD base units" (reads as ten million), a stale
 * error stayed after the input changed, "-1" got "at most 6 decimals", and the zero address
 * went to the chain and came back as "execution reverted: ERC20InvalidReceiver(0x000…)".
 * Problem 7: locking said nothing of what stops, and the banner kept saying the PC was
 * available while nothing could be claimed or submitted.
 */
import { join } from 'node:path';
import { ZeroAddress } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAmount } from '../../shared/domain/wallet';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import type { AgentApi } from '../helpers/agent-api';
import type { TestDevnet } from '../helpers/devnet';
import { type E2eSetup, startE2eSetup } from '../helpers/e2e-setup';
import type { HeadlessProcess } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

describe.skipIf(!ready)('wallet errors in words a person uses (Chromium, rigshift headless, devnet)', () => {
  let setup: E2eSetup;
  let api: AgentApi;
  let devnet: TestDevnet;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let held = '';

  beforeAll(async () => {
    setup = await startE2eSetup({
      prefix: 'rigshift-e2e-wallet-words-',
      intervalMs: 500,
      patch: { onboarding: { firstRunDone: true } },
      walletAccount: 7,
      password: 'e2e wallet words password',
    });
    ({ devnet, agent, api } = setup);
    const end = Date.now() + 30_000;
    for (;;) {
      const wallet = await api<{ balances: { token: { amount: string; decimals: number; symbol: string } | null } | null }>('getWallet');
      const token = wallet.balances?.token;
      if (token && token.amount !== '0') {
        held = `${formatAmount(token.amount, token.decimals)} ${token.symbol}`;
        break;
      }
      if (Date.now() > end) throw new Error('the wallet never showed its tUSD');
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = watchPageErrors(page);
    await page.goto(agent.url);
    await page.click('[data-testid="nav-wallet"]');
    await page.locator('[data-testid="wallet-send-amount"]').waitFor({ timeout: 30_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (setup) expect(await setup.stop()).toBe(0);
  });

  it('"-1" must be positive (not "at most 6 decimals")', async () => {
    await page.fill('[data-testid="wallet-send-amount"]', '-1');
    expect(await page.textContent('[data-testid="wallet-send-amount-error"]')).toBe('The amount must be positive.');
    await page.fill('[data-testid="wallet-send-amount"]', '1');
    expect(await page.locator('[data-testid="wallet-send-amount-error"]').count()).toBe(0);
  });

  it('too much says what the wallet holds in tUSD, and the error goes when the input changes', async () => {
    await page.fill('[data-testid="wallet-send-to"]', devnet.accounts[8]!);
    await page.fill('[data-testid="wallet-send-amount"]', '100000000000');
    await page.click('[data-testid="wallet-send-review"]');
    const error = page.locator('[data-testid="wallet-send-error"]');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toContain(`The wallet holds only ${held}.`);
    expect(await error.textContent()).not.toMatch(/base units|micros/);
    await page.fill('[data-testid="wallet-send-amount"]', '1');
    expect(await error.count()).toBe(0);
  }, 30_000);

  it('refuses the zero address before anything is signed', async () => {
    await page.fill('[data-testid="wallet-send-to"]', ZeroAddress);
    await page.click('[data-testid="wallet-send-review"]');
    const error = page.locator('[data-testid="wallet-send-error"]');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toMatch(/zero address/);
    expect(await error.textContent()).not.toMatch(/revert|ERC20/);
    expect(await page.locator('[data-testid="wallet-preview"]').count()).toBe(0);
  }, 30_000);

  it('locking explains what stops; then the banner and the dashboard say they wait for the unlock', async () => {
    await api('updateSettings', { patch: { market: { bidding: true } } });
    await page.click('[data-testid="wallet-lock"]');
    const explain = page.locator('[data-testid="wallet-lock-explain"]');
    await explain.waitFor();
    expect(await explain.textContent()).toMatch(/no new job is claimed, a finished job's result is not submitted/);
    await page.click('[data-testid="wallet-lock-confirm"]');
    await page.locator('[data-testid="wallet-unlock"]').waitFor({ timeout: 10_000 });
    const banner = page.locator('[data-testid="banner-wallet-locked"]');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/Waiting for the wallet to be unlocked/);
    await page.click('[data-testid="nav-overview"]');
    await expect.poll(() => page.textContent('[data-testid="renting-state"]'), { timeout: 10_000 }).toMatch(/waiting for the wallet to be unlocked/i);
  }, 30_000);

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
