/**
 * One hostile post must not blind the market (issue 11). A requester posts a job whose spec
 * is invalid UTF-8 (the contract takes any bytes), then normal jobs. Two real agents
 * (composeAgent: chain hub, wallet, market client, Docker) on one real Hardhat node both
 * keep indexing past it: the bad post is listed as an invalid job with its reason, the
 * normal jobs are indexed, judged and claimed, and neither agent stays "syncing".
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../electron/agent/agent';
import { composeAgent } from '../../electron/agent/compose';
import { startUploadServer, type UploadServer } from '../../electron/agent/requester/upload-server';
import type { MarketJobDetail, MarketStatus, ProviderJob } from '../../shared/domain/market';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { jobDocument, startChainFixture, type ChainFixture } from '../unit/market/chain-fixture';

const ready = need(dockerEngine()) && need(busyboxAvailable());

interface TestAgent {
  name: string;
  agent: Agent;
  dir: ReturnType<typeof tempDir>;
  events: ProviderJob[];
}

/** A spec that is not UTF-8 at all: a lone continuation byte and an overlong sequence. */
const BAD_UTF8 = Uint8Array.from([0x7b, 0x22, 0x80, 0xc0, 0xaf, 0xff, 0xfe, 0x22, 0x7d]);

describe.skipIf(!ready)('a bad-UTF-8 post does not blind the agents', () => {
  let chain: ChainFixture;
  let image: JobTestImage;
  let uploads: UploadServer;
  const agents: TestAgent[] = [];

  async function startAgent(name: string): Promise<TestAgent> {
    const dir = tempDir(`rigshift-hostile-${name}-`);
    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.network = { kind: 'custom', rpcUrl: chain.rpcUrl, chainId: 31337, marketAddress: chain.market };
    settings.controls.price = { ...settings.controls.price, floorMicrosPerHour: '100000', neverBelowBreakEven: false };
    settings.controls.presence = { ...settings.controls.presence, idle: { enabled: false, minutes: 10 } };
    settings.market.bidding = true; // a new install waits for "Start renting"
    let stored: unknown = settings;
    const agent = composeAgent({
      mode: 'headless',
      dataDir: dir.path,
      resourcesDir: new URL('../../resources', import.meta.url).pathname,
      settingsStore: { read: () => stored, write: (doc) => (stored = doc) },
      logger: recordingLogger().logger,
      devnet: 'off',
    });
    const events: ProviderJob[] = [];
    agent.onEvent((event) => {
      if (event.name === 'marketJob') events.push(event.payload);
    });
    await agent.start({ longRunning: true });
    const imported = await agent.call('importWallet', { source: { kind: 'privateKey', privateKey: Wallet.createRandom().privateKey }, password: 'correct horse battery' });
    expect(imported.ok).toBe(true);
    return { name, agent, dir, events };
  }

  beforeAll(async () => {
    process.env.RIGSHIFT_INSECURE_TEST_SCRYPT_N = '1024';
    image = buildJobTestImage();
    chain = await startChainFixture();
    uploads = await startUploadServer({ logger: recordingLogger().logger });
    agents.push(await startAgent('a'), await startAgent('b'));
  }, 180_000);

  afterAll(async () => {
    for (const a of agents) await a.agent.stop();
    for (const a of agents) a.dir.cleanup();
    await uploads?.close();
    await chain?.stop();
    image?.remove();
  }, 60_000);

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown = null;
    for (;;) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what} (${String(last)})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function call<T>(agent: TestAgent, name: string, request: unknown): Promise<T> {
    const result = await agent.agent.call(name as never, request as never);
    if (!result.ok) throw new Error(`${agent.name} ${name}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  }

  const normalSpec = () =>
    jobDocument({
      name: 'after the hostile post',
      image: image.reference,
      uploadUrl: uploads.newUploadUrl().url,
      maxDurationSeconds: 120,
      command: ['sh', '-c', 'echo ok > /workspace/out/result.txt'],
    });

  it('indexes, judges and claims the normal jobs posted after it, on both agents', async () => {
    const bad = await chain.postRaw(BAD_UTF8);
    const first = await chain.post({ spec: normalSpec(), maxDurationSeconds: 120 });
    const second = await chain.post({ spec: normalSpec(), maxDurationSeconds: 120 });

    const claimedBy = async (id: string) => agents.find((a) => a.events.some((e) => e.chainJobId === id && e.txs.some((t) => t.kind === 'claim' && t.status === 'confirmed')));
    const winnerFirst = await waitFor(`job ${first.id} to be claimed`, () => claimedBy(first.id), 90_000);
    const winnerSecond = await waitFor(`job ${second.id} to be claimed`, () => claimedBy(second.id), 90_000);
    expect(winnerFirst).toBeDefined();
    expect(winnerSecond).toBeDefined();

    for (const a of agents) {
      // Caught up past the hostile post: not stuck "syncing" behind it.
      const { status } = await waitFor(`${a.name} to catch up`, async () => {
        const value = await call<{ status: MarketStatus }>(a, 'getMarket', { limit: 50 });
        return value.status.indexer.syncing === false ? value : null;
      });
      expect(status.indexer.lastError).toBeNull();
      // Both normal jobs are known, and their claims followed (a block or two after the other agent's claim).
      for (const job of [first, second]) {
        const detail = await waitFor(`${a.name} to index the claim of job ${job.id}`, async () => {
          const d = await call<MarketJobDetail>(a, 'getMarketJob', { chainJobId: job.id });
          return d.chainState !== 'open' ? d : null;
        }, 15_000);
        expect(detail.provider).not.toBeNull();
      }
      // The hostile post is recorded as an invalid job with its reason, never claimed.
      const invalid = await call<MarketJobDetail>(a, 'getMarketJob', { chainJobId: bad.id });
      expect(invalid.verdict.fits).toBe(false);
      expect(invalid.verdict.reasons.join(' ')).toMatch(/UTF-8/i);
      expect(a.events.some((e) => e.chainJobId === bad.id)).toBe(false);
    }
  }, 240_000);
});
