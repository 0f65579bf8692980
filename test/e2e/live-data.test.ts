/**
 * Issue 13, one data layer: every page reads the agent through one kept query cache that
 * pushed events update and a reconnect reloads. In Chromium against `rigshift headless` on
 * its own devnet: a job posted on the chain shows on the Market page from the pushed event,
 * with no getMarket call; leaving the page and coming back shows the kept list at once,
 * with no new call (before, the Market page's own hook started over with a spinner and a
 * getMarket); while the event stream is deaf a pause and a new job are missed, and the
 * reconnect reloads both (the snapshot and the Market list).
 */
import { join } from 'node:path';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../electron/agent/devnet/deployment-file';
import { chainNow, postMarketJob } from '../../electron/agent/requester/post-job';
import { requesterProvider, requesterSigner } from '../../electron/agent/requester/requester-signer';
import type { MarketJobDocument } from '../../shared/domain/market-job';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { callAgent, type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

const document = (name: string): MarketJobDocument => ({
  kind: 'rigshift-job',
  version: 1,
  job: {
    version: 1,
    name,
    image: `docker.io/library/busybox@sha256:${'b'.repeat(64)}`,
    command: ['true'],
    inputs: [],
    outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
    resources: { gpus: 1, minVramMiB: 8192, cpus: 1, memoryMiB: 512, scratchMiB: 0 },
    maxDurationSeconds: 600,
    preemptible: true,
    network: 'none',
  },
  upload: { url: 'http://127.0.0.1:9/upload' },
  description: 'Posted by the live-data e2e test',
});

describe.skipIf(!ready)('one data layer: pushed events and reconnects (Chromium, rigshift headless, devnet)', () => {
  const dir = tempDir('rigshift-e2e-live-data-');
  const dataDir = join(dir.path, 'data');
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let socket: WebSocketRoute | null = null;
  let deaf = false;
  const calls: string[] = [];
  const count = (name: string) => calls.filter((c) => c === name).length;

  const api = <T = unknown>(name: string, request: unknown = {}) => callAgent<T>(agent, name, request);

  async function post(name: string): Promise<string> {
    const deployment = readDeployment(join(dataDir, 'devnet'))!;
    const target = { rpcUrl: deployment.rpcUrl, chainId: deployment.chainId, marketAddress: deployment.market };
    const provider = requesterProvider(target);
    try {
      const requester = requesterSigner(provider, target, { account: 1 });
      const claimBy = (await chainNow(requester)) + 1800;
      const posted = await postMarketJob(requester, deployment.market, {
        document: document(name),
        maxPricePerHourMicros: 450_000n,
        maxDurationSeconds: 600,
        claimBy,
        runBy: claimBy + 1200,
        preemptible: true,
      });
      return posted.jobId.toString();
    } finally {
      provider.destroy();
    }
  }

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dataDir], 30_000, { devnet: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    errors = watchPageErrors(page);
    page.on('request', (request) => {
      const match = /\/api\/call\/(\w+)$/.exec(request.url());
      if (!match) return;
      // The dashboard's market status is also read with getMarket (limit 1): only the list's
      // own loads count as "asking for the list again".
      const status = match[1] === 'getMarket' && (JSON.parse(request.postData() ?? '{}') as { limit?: number }).limit === 1;
      calls.push(status ? 'getMarket(status)' : match[1]!);
    });
    // The page's event stream through a proxy the test can make deaf, and drop.
    await page.routeWebSocket(/\/api\/events/, (ws) => {
      socket = ws;
      const server = ws.connectToServer();
      server.onMessage((message) => {
        if (!deaf) ws.send(message);
      });
      ws.onMessage((message) => server.send(message));
    });
  });

  afterAll(async () => {
    await browser?.close();
    expect(await agent?.stop()).toBe(0);
    dir.cleanup();
  });

  it('shows a job posted on the chain from the pushed event, without asking for the list again', async () => {
    await page.goto(agent.url);
    await page.click('[data-testid="nav-market"]');
    const state = page.locator('[data-testid="market-chain-state"]');
    await state.waitFor({ timeout: 30_000 });
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 90_000, interval: 500 }).toBe('online');
    await page.locator('[data-testid="market-empty"]').waitFor({ timeout: 30_000 });
    // Start-up may reload the list (the event log's first reset): wait until it is quiet.
    let quiet = -1;
    await expect
      .poll(
        async () => {
          const now = count('getMarket');
          const settled = now === quiet;
          quiet = now;
          return settled;
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBe(true);
    const before = count('getMarket');
    const mark = calls.length;
    const id = await post('pushed job');
    await page.locator(`[data-testid="market-open-${id}"]`).waitFor({ timeout: 30_000 });
    // Every call since the post, so that a failure says what asked.
    expect(count('getMarket') - before, `list loads since the post; every call since: ${JSON.stringify(calls.slice(mark))}`).toBe(0);
    // Two bucket rolls of the verdicts' chain time (15 s each) with the job open: still no reload.
    await page.waitForTimeout(32_000);
    expect(count('getMarket') - before, `list loads 32 s after the post; every call since: ${JSON.stringify(calls.slice(mark))}`).toBe(0);
  }, 180_000);

  it('keeps the list: back on the Market page it shows at once, with no new getMarket', async () => {
    const before = count('getMarket');
    await page.click('[data-testid="nav-overview"]');
    await page.locator('[data-testid="page-market"]').waitFor({ state: 'detached' });
    await page.click('[data-testid="nav-market"]');
    expect(await page.locator('[data-testid="market-loading"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="market-open-"][data-fits]').count()).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(count('getMarket')).toBe(before);
  });

  it('reloads what it missed while its stream was deaf once the stream reconnects', async () => {
    deaf = true;
    await api('pauseRenting', { duration: 'indefinite' });
    const missed = await post('missed job');
    // The agent has seen the job (its list has it); the deaf page has not.
    await expect
      .poll(async () => (await api<{ open: { chainJobId: string }[] }>('getMarket', { limit: 500 })).open.some((j) => j.chainJobId === missed), { timeout: 30_000 })
      .toBe(true);
    expect(await page.locator(`[data-testid="market-open-${missed}"]`).count()).toBe(0);
    expect(await page.getAttribute('[data-testid="status-banner"]', 'data-paused')).toBe('false');
    const snapshots = count('getSnapshot');
    const markets = count('getMarket');

    deaf = false;
    await socket!.close({ code: 1012, reason: 'test: the stream drops' });
    await page.locator(`[data-testid="market-open-${missed}"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getAttribute('[data-testid="status-banner"]', 'data-paused'), { timeout: 10_000 }).toBe('true');
    expect(count('getSnapshot')).toBeGreaterThan(snapshots);
    expect(count('getMarket')).toBeGreaterThan(markets);
  }, 90_000);

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
