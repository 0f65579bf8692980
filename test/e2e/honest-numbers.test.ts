/**
 * Issue 13, problems 4 and 11: the numbers an owner sees after a small paid job. A CPU job
 * at 0.25 USD/h for 5 s nets 344 micros: the dashboard's "Today" said "0.00 USD" (rounded
 * to cents); it says $0.000344 now. The Earnings page projected "≈ $/month" from one minute
 * of data; now it says a projection needs 24 h and how much data there is. A claimed job
 * still running was counted as "waiting for payment"; only submitted jobs are.
 * The test plays the provider with ethers (the agent's own key, bidding off), as
 * earnings.test.ts does.
 */
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet, ZeroHash } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import type { TestDevnet } from '../helpers/devnet';
import { type E2eSetup, startE2eSetup } from '../helpers/e2e-setup';
import { chromium, fileExists, need } from '../helpers/requirements';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

describe.skipIf(!ready)('honest numbers after a small paid job (Chromium, rigshift headless, devnet)', () => {
  let setup: E2eSetup;
  let devnet: TestDevnet;
  let rpc: JsonRpcProvider;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // The test plays the provider with the wallet's own key: the agent must not bid with it too.
    setup = await startE2eSetup({
      prefix: 'rigshift-e2e-honest-',
      intervalMs: 0,
      patch: { market: { bidding: false }, onboarding: { firstRunDone: true } },
      walletAccount: 3,
      password: 'e2e honest numbers password',
    });
    devnet = setup.devnet;
    rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });

    const requester = new Wallet(devnet.privateKeys[1]!, rpc);
    const provider = new Wallet(devnet.privateKeys[3]!, rpc);
    const asRequester = new Contract(devnet.marketAddress, MARKET_ABI, requester);
    const asProvider = new Contract(devnet.marketAddress, MARKET_ABI, provider);
    await (await new Contract(devnet.tokenAddress, TOKEN_ABI, requester).getFunction('approve')(devnet.marketAddress, 10n ** 12n)).wait();
    await (await new Contract(devnet.tokenAddress, TOKEN_ABI, provider).getFunction('approve')(devnet.marketAddress, 10n ** 12n)).wait();
    await (await asProvider.getFunction('depositStake')(10_000_000n)).wait();
    const now = (await rpc.getBlock('latest'))!.timestamp;
    // Job 1: paid. 5 s at 0.25 USD/h = 347 micros gross, 1 % fee = 3, net 344. Real seconds
    // (no evm_increaseTime): a payment stamped ahead of this PC's clock is not "today" yet.
    await (await asRequester.getFunction('post')('{"kind":"e2e"}', 1_000_000n, 3600, now + 3600, now + 10_800, false)).wait();
    await (await asProvider.getFunction('claim')(1, 250_000n)).wait();
    // Job 2: claimed and still "running": nothing is waiting for payment yet. Claimed before
    // job 1 is accepted: the agent withdraws its first earnings at once, from this same key,
    // and a provider send of ours after that would race it for the nonce.
    await (await asRequester.getFunction('post')('{"kind":"e2e"}', 1_000_000n, 3600, now + 3600, now + 10_800, false)).wait();
    await (await asProvider.getFunction('claim')(2, 250_000n)).wait();
    await new Promise((r) => setTimeout(r, 6_000));
    await (await asProvider.getFunction('submit')(1, ZeroHash.replace(/0$/, '7'), 5, 'http://results/e2e')).wait();
    await (await asRequester.getFunction('accept')(1)).wait();

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = watchPageErrors(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rpc?.destroy();
    if (setup) expect(await setup.stop()).toBe(0);
  });

  it('the dashboard shows today\'s net with the digits it needs, never $0.00', async () => {
    await page.goto(setup.agent.url);
    const today = page.locator('[data-testid="today-earnings"]');
    await expect.poll(() => today.textContent(), { timeout: 30_000 }).toMatch(/1 job/);
    expect(await today.textContent()).toContain('$0.000344');
    expect(await today.textContent()).not.toMatch(/0\.00 USD|\$0\.00(?!\d)/);
  }, 40_000);

  it('Earnings projects nothing from a minute of data and counts only submitted jobs as waiting', async () => {
    await page.click('[data-testid="nav-earnings"]');
    await page.locator('[data-testid="page-earnings"]').waitFor();
    await expect.poll(() => page.getAttribute('[data-testid="earnings-summary"]', 'data-net-micros'), { timeout: 20_000 }).toBe('344');
    expect(await page.textContent('[data-testid="earnings-net"]')).toBe('$0.000344');
    expect(await page.textContent('[data-testid="earnings-projection"]')).toMatch(/needs 24 h of data; there is .* so far/);
    expect(await page.textContent('[data-testid="earnings-projection"]')).not.toMatch(/≈/);
    expect(await page.locator('[data-testid="earnings-pending"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="page-earnings"]')).not.toMatch(/waiting for payment/);
  }, 30_000);

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
