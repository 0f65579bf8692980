/**
 * The Market page in Chromium against `rigshift headless` on its own local devnet (a real
 * Hardhat node the agent starts): the page shows the chain and the empty market; then a
 * requester posts a GPU job with ethers on that devnet, and the page lists it live, with
 * the evaluation's verdict (this machine has no NVIDIA GPU to rent) and its transaction.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../electron/agent/devnet/deployment-file';
import { devnetAccount } from '../../electron/agent/devnet/devnet-accounts';
import { chainNow, type PostedJob, postMarketJob } from '../../electron/agent/requester/post-job';
import { requesterProvider, requesterSigner } from '../../electron/agent/requester/requester-signer';
import type { MarketJobDocument } from '../../shared/domain/market-job';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

/** A GPU job: this test machine has no NVIDIA GPU, so the verdict must say it does not fit, and why. */
const gpuJobDocument: MarketJobDocument = {
  kind: 'rigshift-job',
  version: 1,
  job: {
    version: 1,
    name: 'e2e market render',
    image: `docker.io/library/busybox@sha256:${'a'.repeat(64)}`,
    command: ['true'],
    inputs: [],
    outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
    resources: { gpus: 1, minVramMiB: 8192, cpus: 1, memoryMiB: 512, scratchMiB: 0 },
    maxDurationSeconds: 600,
    preemptible: true,
    network: 'none',
  },
  upload: { url: 'http://127.0.0.1:9/upload' },
  description: 'A GPU job posted by the Market page e2e test',
};

describe.skipIf(!ready)('Market page in Chromium against rigshift headless on its local devnet', () => {
  const dir = tempDir('rigshift-e2e-market-');
  const dataDir = join(dir.path, 'data');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let posted: PostedJob;

  beforeAll(async () => {
    // The agent starts its own local devnet (the default network), as it does for a newcomer.
    agent = await startHeadlessAgent(['--data-dir', dataDir], 30_000, { devnet: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = watchPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    expect(await agent?.stop()).toBe(0);
    dir.cleanup();
  });

  it('shows the local devnet, loudly, once the chain is online', async () => {
    await page.goto(agent.url);
    await page.click('[data-testid="nav-market"]');
    await page.locator('[data-testid="page-market"]').waitFor();
    const state = page.locator('[data-testid="market-chain-state"]');
    await state.waitFor({ timeout: 30_000 });
    // Starting the devnet (a Hardhat node) and deploying takes a few seconds.
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 90_000, interval: 500 }).toBe('online');
    expect(await page.textContent('[data-testid="market-network"]')).toMatch(/Local devnet/);
    expect(await page.locator('[data-testid="market-devnet-badge"]').isVisible()).toBe(true);
    expect(await page.textContent('[data-testid="market-network"]')).toContain('31337');
    // A fresh data dir: bidding waits for "Start renting", and the page still lists what
    // else is missing (no wallet) and where to fix it.
    const bidding = page.locator('[data-testid="market-bidding"]');
    await expect.poll(() => bidding.getAttribute('data-state'), { timeout: 30_000 }).toBe('off');
    expect(await page.locator('[data-testid="market-blocks"] a[href="#/wallet"]').count()).toBeGreaterThan(0);
  }, 150_000);

  it('says the market is empty and how to post demo jobs on the devnet', async () => {
    const empty = page.locator('[data-testid="market-empty"]');
    await expect.poll(() => empty.textContent(), { timeout: 30_000 }).toMatch(/No jobs on the market yet/);
    expect(await empty.textContent()).toContain('npm run devnet -- --demo');
    expect(await page.textContent('[data-testid="market-mine-empty"]')).toMatch(/No job claimed yet/);
  });

  it('lists a job posted on the devnet live, with the verdict and why it does not fit', async () => {
    const deployment = readDeployment(join(dataDir, 'devnet'));
    expect(deployment).not.toBeNull();
    const target = { rpcUrl: deployment!.rpcUrl, chainId: deployment!.chainId, marketAddress: deployment!.market };
    // The requester's own chain access (no response cache, a nonce manager), as `rigshift market post` uses.
    const provider = requesterProvider(target);
    try {
      const requester = requesterSigner(provider, target, { account: 1 });
      const now = await chainNow(requester);
      const claimBy = now + 1800;
      posted = await postMarketJob(requester, deployment!.market, {
        document: gpuJobDocument,
        maxPricePerHourMicros: 450_000n,
        maxDurationSeconds: 600,
        claimBy,
        runBy: claimBy + 600 + 600,
        preemptible: true,
      });
    } finally {
      provider.destroy();
    }
    const id = posted.jobId.toString();
    const row = page.locator(`[data-testid="market-open-${id}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-fits')).toBe('false');
    const rowText = await row.textContent();
    expect(rowText).toContain('e2e market render');
    expect(rowText).toContain('$0.45/h');
    expect(rowText).toContain('10 min');
    expect(rowText).toContain(devnetAccount(1).address.slice(0, 6));
    expect(await page.textContent(`[data-testid="market-fit-${id}"]`)).toMatch(/needs an NVIDIA GPU/);

    // The filter: the job does not fit, so "Fits this PC" hides it and says why the list is empty.
    await page.click('[data-testid="market-filter-fits"]');
    await page.locator('[data-testid="market-open-none-fit"]').waitFor();
    await page.click('[data-testid="market-filter-all"]');

    // Keyboard: the row is reachable and Enter opens its detail.
    await row.focus();
    await page.keyboard.press('Enter');
    const detail = page.locator(`[data-testid="market-detail-${id}"]`);
    await detail.waitFor();
    expect(await page.getAttribute(`[data-testid="market-verdict-${id}"]`, 'data-fits')).toBe('false');
    expect(await detail.locator(`[data-testid="tx-${posted.txHash}"]`).count()).toBe(1);
    // No block explorer for the local devnet.
    expect(await detail.locator('a[href^="https://"]').count()).toBe(0);
    await expect.poll(() => detail.textContent()).toMatch(/Posted document/);
    expect(await detail.textContent()).toContain('A GPU job posted by the Market page e2e test');

    await page.screenshot({ path: '/tmp/market.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: '/tmp/market-dark.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  }, 60_000);

  it('blocks a requester from the list editor, with the checksum checked, and undoes it', async () => {
    const input = page.locator('[data-testid="market-blocked-input"]');
    const address = devnetAccount(1).address;
    // One character's case flipped: 40 hex digits still, but the checksum catches the typo.
    const flipped = address.replace(/[a-f]/, (c) => c.toUpperCase());
    await input.fill(flipped);
    await page.click('[data-testid="market-blocked-add"]');
    expect(await page.textContent('[data-testid="market-blocked-error"]')).toMatch(/checksum/);
    await input.fill(address.toLowerCase());
    await page.click('[data-testid="market-blocked-add"]');
    await page.locator(`[data-testid="market-blocked-item-${address}"]`).waitFor();
    // The agent re-evaluates the open jobs against the new rule.
    const fit = page.locator(`[data-testid="market-fit-${posted.jobId}"]`);
    await expect.poll(() => fit.textContent(), { timeout: 20_000 }).toMatch(/you blocked this requester/);
    await page.click('[data-testid="market-filters-undo"]');
    await expect.poll(() => page.locator(`[data-testid="market-blocked-item-${address}"]`).count()).toBe(0);
  }, 40_000);

  it('switches bidding on and back off with undo (a fresh data dir starts with bidding off)', async () => {
    const toggle = page.locator('[data-testid="market-bidding-switch"]');
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await expect.poll(() => page.getAttribute('[data-testid="market-bidding"]', 'data-state')).toBe('blocked');
    await page.click('[data-testid="market-bidding-undo"]');
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await expect.poll(() => page.getAttribute('[data-testid="market-bidding"]', 'data-state')).toBe('off');
  });

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
