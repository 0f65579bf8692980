/**
 * The wallet in Chromium against `rigshift headless` on a real devnet (Hardhat node with
 * TestUSD and the market): create a wallet (read the 12 words, type 3 back), see the
 * address, receive devnet funds (hardhat_setBalance + TestUSD mint from the test), send
 * part of the stablecoin to another address through the fee preview and see it confirmed.
 * The agent runs with RIGSHIFT_INSECURE_TEST_SCRYPT_N=1024 (the app never sets it) so the
 * keystore encrypts fast; keystore.test.ts covers the default N.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, JsonRpcProvider, JsonRpcSigner, toBeHex } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import type { TestDevnet } from '../helpers/devnet';
import { type E2eSetup, startE2eSetup } from '../helpers/e2e-setup';
import type { HeadlessProcess } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/cli/wallet-key-worker.mjs'), 'npm run build')) &&
  need(chromium());

const PASSWORD = 'e2e wallet password';
const TOKEN_ABI = ['function balanceOf(address) view returns (uint256)', 'function mint(address,uint256)'];

describe.skipIf(!ready)('wallet in Chromium against rigshift headless on a devnet', () => {
  let setup: E2eSetup;
  let devnet: TestDevnet;
  let provider: JsonRpcProvider;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let address = '';
  const balanceOf = (who: string) => new Contract(devnet.tokenAddress, TOKEN_ABI, provider).getFunction('balanceOf')(who) as Promise<bigint>;

  beforeAll(async () => {
    setup = await startE2eSetup({ prefix: 'rigshift-e2e-wallet-', intervalMs: 500 });
    ({ devnet, agent } = setup);
    provider = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = watchPageErrors(page);
  }, 120_000);

  afterAll(async () => {
    if (page && process.env.E2E_SCREENSHOTS) {
      mkdirSync(process.env.E2E_SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'wallet.png'), fullPage: true });
    }
    await browser?.close();
    provider?.destroy();
    if (setup) expect(await setup.stop()).toBe(0);
  });

  it('creates a wallet: shows 12 words once, asks for 3 of them, then shows the address', async () => {
    await page.goto(`${agent.url}#/wallet`);
    await page.click('[data-testid="wallet-choose-create"]');
    await page.click('[data-testid="wallet-create-generate"]');
    await page.locator('[data-testid="wallet-words"]').waitFor();
    const words = await page.locator('[data-testid^="wallet-word-"]').allTextContents();
    expect(words).toHaveLength(12);
    expect(await page.isDisabled('[data-testid="wallet-words-next"]')).toBe(true);
    await page.check('[data-testid="wallet-words-written"]');
    await page.click('[data-testid="wallet-words-next"]');
    const inputs = page.locator('[data-testid^="wallet-confirm-word-"]');
    expect(await inputs.count()).toBe(3);
    for (const input of await inputs.all()) {
      const index = Number((await input.getAttribute('data-testid'))!.split('-').at(-1));
      await input.fill(words[index]!);
    }
    await page.fill('[data-testid="wallet-create-password"]', PASSWORD);
    await page.fill('[data-testid="wallet-create-password-repeat"]', PASSWORD);
    await page.click('[data-testid="wallet-create-save"]');
    const shown = page.locator('[data-testid="wallet-address"]');
    await shown.waitFor({ timeout: 15_000 });
    address = (await shown.textContent())!.trim();
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    await page.locator('[data-testid="wallet-devnet-badge"]').waitFor();
    // The keystore on disk is for that address; the words are nowhere in it.
    const keystore = readFileSync(join(setup.dataDir, 'wallet', 'keystore.json'), 'utf8');
    expect(JSON.parse(keystore).address.toLowerCase()).toBe(address.slice(2).toLowerCase());
    expect(keystore.includes(words.slice(0, 3).join(' '))).toBe(false);
  });

  it('receives devnet funds and shows the balances', async () => {
    await provider.send('hardhat_setBalance', [address, toBeHex(10n ** 18n)]);
    const minter = new Contract(devnet.tokenAddress, TOKEN_ABI, new JsonRpcSigner(provider, devnet.accounts[0]!));
    await (await minter.getFunction('mint')(address, 100_000_000n)).wait();
    await expect.poll(() => page.getAttribute('[data-testid="wallet-balance-token"]', 'data-amount'), { timeout: 20_000 }).toBe('100000000');
    expect(await page.textContent('[data-testid="wallet-balance-token"]')).toContain('100 tUSD');
    expect(await page.textContent('[data-testid="wallet-balance-gas"]')).toContain('1 ETH');
    // The balance is explained: the tUSD that came in is listed, from the token's Transfer events.
    const received = page.locator('[data-testid="wallet-incoming"] tbody tr').first();
    await expect.poll(() => received.getAttribute('data-amount'), { timeout: 20_000 }).toBe('100000000');
    expect(await received.textContent()).toContain('100 tUSD');
    expect(await received.textContent()).toContain('Minted');
  });

  it('sends part of it to another address after the fee preview, and sees it confirmed', async () => {
    const friend = devnet.accounts[6]!;
    const before = await balanceOf(friend);
    await page.selectOption('[data-testid="wallet-send-asset"]', 'token');
    await page.fill('[data-testid="wallet-send-to"]', friend.toLowerCase());
    await page.fill('[data-testid="wallet-send-amount"]', '12.5');
    await page.click('[data-testid="wallet-send-review"]');
    await page.locator('[data-testid="wallet-preview"]').waitFor();
    expect(await page.textContent('[data-testid="wallet-preview-amount"]')).toBe('12.5 tUSD');
    expect(await page.textContent('[data-testid="wallet-preview-to"]')).toBe(friend);
    expect(await page.textContent('[data-testid="wallet-preview-fee"]')).toContain('ETH');
    // Money leaving the wallet needs the password again, not only the dashboard token.
    expect(await page.isDisabled('[data-testid="wallet-send-confirm"]')).toBe(true);
    await page.fill('[data-testid="wallet-send-password"]', PASSWORD);
    await page.click('[data-testid="wallet-send-confirm"]');
    const row = page.locator('[data-testid="wallet-txs"] tbody tr').first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('confirmed');
    expect(await balanceOf(friend)).toBe(before + 12_500_000n);
    await expect.poll(() => page.getAttribute('[data-testid="wallet-balance-token"]', 'data-amount'), { timeout: 20_000 }).toBe('87500000');
    expect(errors).toEqual([]);
  });
});
