/**
 * Issue 13, problem 8: pausing has hidden costs. Before the fix "Pause 1 h" killed a
 * non-preemptible job at once without a question (its unpaid work lost), stopping the
 * headless agent cancelled a running job silently, and nothing said that a claimed job
 * holds stake. Now pausing while such a job runs asks "finish this job, then pause" or
 * "stop now"; "finish first" lets the job complete and pauses when it ends; the dashboard
 * says how much stake the claim holds; the first SIGTERM to `rigshift headless` finishes
 * the running job before exiting and says so on stderr.
 * Problem 9's words are checked on the same agent: our own job's verdict is "Claimed by
 * you" (it said "Does not fit — claimed by you"), no page mentions a tray in headless
 * mode (Overview showed the desktop app's tray options), and About shows gVisor's version
 * (it said "unknown").
 * A real devnet, one `rigshift headless` agent, busybox CPU jobs posted by a requester.
 */
import { join } from 'node:path';
import { JsonRpcProvider, Wallet } from 'ethers';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainNow, postMarketJob } from '../../electron/agent/requester/post-job';
import { startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import { SCHEDULE_CELLS } from '../../shared/domain/controls';
import type { JobRecord } from '../../shared/domain/job';
import type { MarketStatus } from '../../shared/domain/market';
import type { Snapshot } from '../../shared/domain/snapshot';
import { agentApi } from '../helpers/agent-api';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { chromium, dockerEngine, fileExists, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium()) &&
  need(dockerEngine()) &&
  need(busyboxAvailable());

describe.skipIf(!ready)('pausing and stopping never throw away a non-preemptible job silently (Chromium, rigshift headless, devnet)', () => {
  const dir = tempDir('rigshift-e2e-pausing-');
  let devnet: TestDevnet;
  let image: JobTestImage;
  let uploads: UploadServer;
  let agent: HeadlessProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const api = <T = unknown>(name: string, request: unknown = {}) => agentApi(agent)<T>(name, request);

  /** Posts a non-preemptible busybox job that prints a tick a second for `seconds`. */
  async function postJob(name: string, seconds: number): Promise<void> {
    const requester = new Wallet(devnet.privateKeys[1]!, new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 }));
    const now = await chainNow(requester);
    await postMarketJob(requester, devnet.marketAddress, {
      document: {
        kind: 'rigshift-job',
        version: 1,
        job: {
          version: 1,
          name,
          image: image.reference,
          command: ['sh', '-c', `for i in $(seq 1 ${seconds}); do echo "tick $i"; sleep 1; done`],
          inputs: [],
          outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
          resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
          maxDurationSeconds: 120,
          preemptible: false,
        },
        upload: { url: uploads.newUploadUrl().url },
        description: name,
      },
      maxPricePerHourMicros: 500_000n,
      maxDurationSeconds: 120,
      claimBy: now + 3600,
      runBy: now + 3600 + 7200,
      preemptible: false,
    });
  }

  async function waitRunning(name: string): Promise<void> {
    const end = Date.now() + 90_000;
    for (;;) {
      const snapshot = await api<Snapshot>('getSnapshot');
      if (snapshot.jobs.active.some((j) => j.name === name && j.state === 'running')) return;
      if (Date.now() > end) throw new Error(`the job never ran\n${agent.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    image = buildJobTestImage();
    devnet = await startTestDevnet();
    uploads = await startUploadServer({ logger: recordingLogger().logger });
    agent = await startHeadlessAgent(
      ['--data-dir', dir.path, '--network', 'custom', '--rpc-url', devnet.rpcUrl, '--chain-id', String(devnet.chainId), '--market-address', devnet.marketAddress],
      60_000,
    );
    const settings = await api<{ controls: { price: Record<string, unknown>; presence: Record<string, Record<string, unknown>> } }>('updateSettings', { patch: {} });
    await api('updateSettings', {
      patch: {
        controls: {
          price: { ...settings.controls.price, floorMicrosPerHour: '100000', neverBelowBreakEven: false },
          // Every presence detector off: nothing but the owner's pause may stop these jobs.
          presence: Object.fromEntries(Object.entries(settings.controls.presence).map(([k, v]) => [k, { ...v, enabled: false }])),
          schedule: { timeZone: 'UTC', cells: '1'.repeat(SCHEDULE_CELLS) },
          pause: { kind: 'none' },
        },
        onboarding: { firstRunDone: true },
        market: { bidding: true },
      },
    });
    const before = process.env[TEST_SCRYPT_N_ENV];
    process.env[TEST_SCRYPT_N_ENV] = '1024';
    try {
      await api('importWallet', { source: { kind: 'privateKey', privateKey: devnet.privateKeys[6]! }, password: 'pausing e2e password' });
    } finally {
      if (before === undefined) delete process.env[TEST_SCRYPT_N_ENV];
      else process.env[TEST_SCRYPT_N_ENV] = before;
    }
    const end = Date.now() + 60_000;
    while (!(await api<{ status: MarketStatus }>('getMarket', { limit: 1 })).status.biddingActive) {
      if (Date.now() > end) throw new Error(`the agent never started bidding\n${agent.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = watchPageErrors(page);
    await page.goto(agent.url);
    await page.locator('[data-testid="current-job"]').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (agent) await agent.stop();
    await uploads?.close();
    await devnet?.stop();
    image?.remove();
    dir.cleanup();
  });

  it('"Pause 1 h" during a non-preemptible job asks first; "finish this job" lets it complete, then pauses', async () => {
    const name = 'pause asks e2e';
    await postJob(name, 12);
    await waitRunning(name);
    await expect.poll(() => page.textContent('[data-testid="current-job"]'), { timeout: 5_000 }).toContain(name);

    await page.click('[data-testid="pause-hour"]');
    const ask = page.locator('[data-testid="pause-ask"]');
    await ask.waitFor({ timeout: 3_000 });
    expect(await ask.textContent()).toContain(name);
    expect(await page.textContent('[data-testid="pause-stop-now"]')).toMatch(/Stop now and lose its unpaid work/);
    await page.click('[data-testid="pause-finish-first"]');

    // Paused for new work at once; the running job keeps running.
    await expect.poll(() => page.locator('[data-testid="pause-text"]').count(), { timeout: 3_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 2_000));
    const during = await api<Snapshot>('getSnapshot');
    expect(during.jobs.active.find((j) => j.name === name)?.state).toBe('running');
    expect(during.settings.controls.pause.kind).toBe('until');
    // The claim's stake is named, with its amount, on the dashboard.
    await expect.poll(() => page.textContent('[data-testid="attention-list"]').catch(() => ''), { timeout: 15_000 }).toMatch(/holds \$[\d.,]+ of your stake/);

    // It completes (exit 0 after its 12 ticks), then the device is paused.
    const end = Date.now() + 60_000;
    let record: JobRecord | undefined;
    while (!(record = (await api<JobRecord[]>('listJobs', { limit: 20 })).find((j) => j.name === name))) {
      if (Date.now() > end) throw new Error(`the job never ended\n${agent.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(record.reason).toBe('completed');
    await expect.poll(async () => (await api<Snapshot>('getSnapshot')).availability.gpus[0]?.state, { timeout: 5_000 }).toBe('paused');
  }, 150_000);

  it('words (problem 9): our own job says "Claimed by you", headless never mentions a tray, About shows gVisor\'s version', async () => {
    await page.click('[data-testid="nav-market"]');
    const row = page.locator('[data-testid="market-mine"] tr[data-row]').first();
    await row.waitFor({ timeout: 10_000 });
    const id = (await row.getAttribute('data-testid'))!.replace('market-mine-', '');
    await row.click();
    const verdict = page.locator(`[data-testid="market-verdict-${id}"]`);
    await verdict.waitFor({ timeout: 5_000 });
    expect(await verdict.textContent()).toMatch(/Claimed by you/);
    expect(await page.textContent(`[data-testid="market-detail-${id}"]`)).not.toMatch(/Does not fit/i);
    // Layout (problem 10): the "Details" toggles are not hidden from screen readers and say which job.
    const toggles = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="market-open"] td > button, [data-testid="market-mine"] td > button')].map((b) => ({ hidden: b.getAttribute('aria-hidden'), name: b.getAttribute('aria-label') })),
    );
    expect(toggles.length).toBeGreaterThan(0);
    for (const toggle of toggles) {
      expect(toggle.hidden).toBeNull();
      expect(toggle.name).toMatch(/(Details of|Hide the details of) job #\d+/);
    }

    // No page of the headless dashboard talks about a tray.
    for (const route of ['overview', 'controls', 'jobs', 'market', 'earnings', 'wallet', 'about']) {
      await page.click(`[data-testid="nav-${route}"]`);
      await page.waitForTimeout(300);
      expect(await page.locator('main').textContent(), route).not.toMatch(/\btray\b/i);
    }

    // runsc is installed where these tests run (the engine's gVisor runtime): its version, not "unknown".
    const gvisor = page.locator('[data-testid="about-gvisor-runsc-"]');
    await gvisor.waitFor({ timeout: 10_000 });
    expect(await gvisor.textContent()).toMatch(/gVisor \(runsc\)\s*\d[\w.~-]*/);
    expect(await gvisor.textContent()).not.toMatch(/unknown/);
  }, 60_000);

  it('the first SIGTERM to rigshift headless finishes the running job, says so, then exits', async () => {
    await api('resumeRenting');
    const name = 'sigterm finishes e2e';
    await postJob(name, 8);
    await waitRunning(name);
    // The dashboard goes with the agent: close it first so its reconnect attempts are not errors.
    await page.close();
    const signalledAt = Date.now();
    const exited = new Promise<number | null>((resolve) => agent.child.once('exit', (code) => resolve(code)));
    agent.child.kill('SIGTERM');
    await expect.poll(() => agent.output(), { timeout: 5_000 }).toMatch(/finishing the running job "sigterm finishes e2e" before stopping/);
    expect(agent.output()).toMatch(/Ctrl-C again to stop now/);
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
    if (code === 'hung') throw new Error(`the agent never exited\n${agent.output().slice(-4000)}`);
    expect(code).toBe(0);
    // It waited for the job (8 ticks from when it was seen running), and said it finished.
    expect(Date.now() - signalledAt).toBeGreaterThan(4_000);
    expect(agent.output()).toMatch(/the job "sigterm finishes e2e" finished/);
  }, 120_000);

  it('reported no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
