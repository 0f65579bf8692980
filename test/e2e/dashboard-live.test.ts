/**
 * Issue 13, item 7: the Overview dashboard a gamer looks at. With the page open (no reload),
 * a job the agent claims shows as the current job with its step and clock while its container
 * runs; the state says "Renting now"; once the requester accepts, today's and this month's net
 * and the last-24-h sparkline are non-zero. A real devnet, one `rigshift headless` agent, a
 * busybox CPU job posted by a requester (the set-up of live-job.test.ts).
 */
import { join } from 'node:path';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_ABI } from '../../electron/agent/chain/market-abi';
import { chainNow, postMarketJob } from '../../electron/agent/requester/post-job';
import { startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import type { Snapshot } from '../../shared/domain/snapshot';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { chromium, dockerEngine, fileExists, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { startBidding } from '../helpers/bidding-agent';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium()) &&
  need(dockerEngine()) &&
  need(busyboxAvailable());

const JOB_NAME = 'dashboard e2e';

describe.skipIf(!ready)('the Overview dashboard is live: current job, then non-zero net (Chromium, rigshift headless, devnet)', () => {
  const dir = tempDir('rigshift-e2e-dashboard-');
  let devnet: TestDevnet;
  let image: JobTestImage;
  let uploads: UploadServer;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let jobId = 0n;
  let requester: Wallet;

  async function api<T = unknown>(name: string, request: unknown = {}): Promise<T> {
    const response = await fetch(`${agent.origin}/api/call/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
      body: JSON.stringify(request),
    });
    const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  }

  beforeAll(async () => {
    image = buildJobTestImage();
    devnet = await startTestDevnet();
    uploads = await startUploadServer({ logger: recordingLogger().logger });
    agent = await startHeadlessAgent(
      ['--data-dir', dir.path, '--network', 'custom', '--rpc-url', devnet.rpcUrl, '--chain-id', String(devnet.chainId), '--market-address', devnet.marketAddress],
      60_000,
    );
    await startBidding(api, agent, { privateKey: devnet.privateKeys[7]!, password: 'dashboard e2e password', floorMicrosPerHour: '1000000' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
    await page.goto(agent.url);
    await page.locator('[data-testid="current-job"]').waitFor();
    requester = new Wallet(devnet.privateKeys[1]!, new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (agent) expect(await agent.stop()).toBe(0);
    await uploads?.close();
    await devnet?.stop();
    image?.remove();
    dir.cleanup();
  });

  it('before any job: ready, no current job, nothing earned yet', async () => {
    await expect.poll(() => page.getAttribute('[data-testid="renting-state"]', 'data-state'), { timeout: 10_000 }).toBe('available');
    expect(await page.textContent('[data-testid="current-job"]')).toMatch(/No job is running/);
    await expect.poll(() => page.getAttribute('[data-testid="today-earnings"]', 'data-net-micros'), { timeout: 10_000 }).toBe('0');
    expect(await page.getAttribute('[data-testid="month-earnings"]', 'data-net-micros')).toBe('0');
    expect(await page.getAttribute('[data-testid="earnings-sparkline"]', 'data-net-micros')).toBe('0');
  }, 30_000);

  it('shows the claimed job live, with its step and clock, and says it is renting', async () => {
    const now = await chainNow(requester);
    const upload = uploads.newUploadUrl();
    const posted = await postMarketJob(requester, devnet.marketAddress, {
      document: {
        kind: 'rigshift-job',
        version: 1,
        job: {
          version: 1,
          name: JOB_NAME,
          image: image.reference,
          command: ['sh', '-c', 'for i in $(seq 1 12); do echo "tick $i"; sleep 1; done'],
          inputs: [],
          outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
          resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
          maxDurationSeconds: 120,
          preemptible: false,
        },
        upload: { url: upload.url },
        description: 'dashboard e2e',
      },
      maxPricePerHourMicros: 1_500_000n,
      maxDurationSeconds: 120,
      claimBy: now + 3600,
      runBy: now + 3600 + 7200,
      preemptible: false,
    });
    jobId = posted.jobId;
    const job = page.locator('[data-testid="current-job"]');
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 90_000, interval: 100 }).toBe('running');
    expect(await job.textContent()).toContain(JOB_NAME);
    expect(await job.locator('[aria-current="step"]').textContent()).toBe('Run');
    const clock = await page.textContent('[data-testid="current-job-elapsed"]');
    expect(clock).toMatch(/^\d+:\d\d$/);
    await expect.poll(() => page.textContent('[data-testid="current-job-elapsed"]'), { timeout: 5_000 }).not.toBe(clock);
    expect(await page.getAttribute('[data-testid="renting-state"]', 'data-state')).toBe('renting');
    expect(await page.textContent('[data-testid="renting-state"]')).toMatch(/Renting now/);
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'dashboard-job-running.png') });
    const snapshot = await api<Snapshot>('getSnapshot');
    expect(snapshot.jobs.active.map((j) => j.name)).toContain(JOB_NAME);
  }, 120_000);

  it('after the requester accepts: today, this month and the sparkline show a non-zero net, without a reload', async () => {
    const market = new Contract(devnet.marketAddress, MARKET_ABI, requester);
    const end = Date.now() + 90_000;
    while ((await market.queryFilter(market.filters.JobSubmitted!(jobId))).length === 0) {
      if (Date.now() > end) throw new Error(`the job was never submitted\n${agent.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await (await market.getFunction('accept')(jobId)).wait();
    const positive = (testId: string) => async () => BigInt((await page.getAttribute(`[data-testid="${testId}"]`, 'data-net-micros')) ?? '0') > 0n;
    await expect.poll(positive('today-earnings'), { timeout: 30_000 }).toBe(true);
    await expect.poll(positive('month-earnings'), { timeout: 10_000 }).toBe(true);
    await expect.poll(positive('earnings-sparkline'), { timeout: 10_000 }).toBe(true);
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: join(process.env.E2E_SCREENSHOTS, 'dashboard-paid.png') });
    const today = (await page.textContent('[data-testid="today-earnings"]'))!;
    expect(today).toMatch(/\$0\.\d*[1-9]/);
    expect(today).toMatch(/net of 1 job/);
    expect(await page.getAttribute('[data-testid="earnings-sparkline"] [role="img"]', 'aria-label')).toMatch(/\$0\.\d*[1-9]/);
    await expect.poll(() => page.textContent('[data-testid="current-job"]'), { timeout: 30_000 }).toMatch(/No job is running/);
    await expect.poll(() => page.getAttribute('[data-testid="renting-state"]', 'data-state'), { timeout: 30_000 }).toBe('available');
  }, 150_000);

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
