/**
 * Disk full through the market feature on a real Hardhat node: while the wallet refuses to
 * sign because its transaction store cannot write (it throws an ENOSPC error naming the
 * file, as the wallet does before signing), the market stops sending, shows "disk full:
 * free space in <dir>" as the reason it is not bidding (not a chain failure, no "market tick
 * failed" storm: today one every ~40 ms), backs off, and claims by itself once space returns.
 */
import { Wallet, NonceManager } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentFeatureContext } from '../../electron/agent/agent-feature';
import type { ChainHub } from '../../electron/agent/chain/chain-hub';
import { createMarketFeature, type MarketFeature } from '../../electron/agent/market/market-feature';
import type { TxIntent, WalletAccess } from '../../electron/agent/wallet/wallet-access';
import type { AgentEvent } from '../../shared/api/contract';
import type { MarketStatus } from '../../shared/domain/market';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { jobDocument, startChainFixture, type ChainFixture } from '../unit/market/chain-fixture';

describe('market feature: the wallet cannot store transactions (disk full)', () => {
  let chain: ChainFixture;
  let feature: MarketFeature;
  const dir = tempDir('rigshift-market-disk-full-');
  const log = recordingLogger();
  let diskFull = true;
  const attempts: string[] = [];
  const statuses: MarketStatus[] = [];

  beforeAll(async () => {
    chain = await startChainFixture();
    const key = chain.accounts[7]!.privateKey;
    const signer = new NonceManager(new Wallet(key, chain.direct));
    const address = new Wallet(key).address;
    const wallet: WalletAccess = {
      address: () => address,
      isUnlocked: () => true,
      onChange: () => () => undefined,
      holdUnlocked: () => () => undefined,
      async send(intent: TxIntent) {
        attempts.push(intent.kind);
        if (diskFull) {
          const path = `${dir.path}/wallet/txs.json`;
          throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', path });
        }
        const tx = await signer.sendTransaction({ to: intent.to, data: intent.data, value: intent.value });
        return {
          id: tx.hash,
          hash: tx.hash,
          nonce: tx.nonce,
          wait: async () => {
            const r = await tx.wait();
            return { status: r?.status === 1 ? 'confirmed' : 'failed', hash: tx.hash, blockNumber: r?.blockNumber ?? 0, gasUsed: r?.gasUsed ?? 0n, effectiveGasPrice: 0n };
          },
        };
      },
    };
    const network = chain.connection.network;
    const hub = {
      status: () => ({ state: 'online', network, headBlock: 0, label: 'test' }),
      onStatus: () => () => undefined,
      onHead: (listener: Parameters<ChainHub['onHead']>[0]) => chain.connection.port.onHead(listener),
      connection: () => chain.connection,
      whenOnline: async () => chain.connection,
      reportFailure: () => undefined,
      start: async () => undefined,
      stop: async () => undefined,
    } as unknown as ChainHub;
    feature = createMarketFeature({ chain: hub, wallet, dataDir: dir.path, logger: log.logger, clock: { now: () => new Date() }, tickMs: 200, indexerPollMs: 200 });
    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.market = { ...settings.market, bidding: true };
    settings.controls.price = { ...settings.controls.price, floorMicrosPerHour: '100000', neverBelowBreakEven: false };
    const now = new Date().toISOString();
    const context: AgentFeatureContext = {
      emit: (name: string, payload: unknown) => {
        if (name === 'marketStatus') statuses.push(payload as MarketStatus);
      },
      onEvent: (_listener: (event: AgentEvent) => void) => () => undefined,
      settings: () => settings,
      updateSettings: () => settings,
      detection: () => null,
      checks: () => null,
      availability: () => ({ gpus: [{ gpuUuid: 'cpu', gpuName: 'CPU', state: 'available', reasons: [], headline: 'Available', since: now }], powerLimits: [], presence: null, history: [] }),
      benchmarks: () => [],
      startJob: () => new Promise(() => undefined),
      activeJobs: () => [],
      clock: { now: () => new Date() },
      logger: log.logger,
    } as unknown as AgentFeatureContext;
    await feature.start!(context, { longRunning: true });
  }, 120_000);

  afterAll(async () => {
    await feature?.stop?.();
    await chain?.stop();
    dir.cleanup();
  }, 60_000);

  const waitFor = async <T,>(what: string, probe: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log: ${JSON.stringify(log.entries.slice(-8))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('stops sending with its own message, backs off, and claims by itself when space returns', async () => {
    const job = await chain.post({ spec: jobDocument({ name: 'disk full', maxDurationSeconds: 60 }), maxDurationSeconds: 60 });
    const blocked = await waitFor('the disk-full reason', () => statuses.at(-1)?.blocks.find((b) => b.code === 'disk-full'));
    expect(blocked.message).toBe(`disk full: free space in ${dir.path}/wallet`);
    // Five seconds of a full disk: a few probes (2 s, 4 s backoff), no tick-failure storm.
    const before = attempts.length;
    const warningsBefore = log.entries.filter((e) => e.message === 'market tick failed').length;
    await new Promise((r) => setTimeout(r, 5000));
    expect(attempts.length - before).toBeLessThanOrEqual(3);
    expect(log.entries.filter((e) => e.message === 'market tick failed').length - warningsBefore).toBe(0);
    expect(statuses.at(-1)?.biddingActive).toBe(false);
    expect(statuses.at(-1)?.notices.some((n) => n.includes('disk full: free space in'))).toBe(true);

    diskFull = false;
    const mine = await waitFor('the job to be claimed once space returns', () => {
      const s = statuses.at(-1);
      return s && s.counts.active > 0 && !s.blocks.some((b) => b.code === 'disk-full') ? s : null;
    }, 60_000);
    expect(mine.counts.active).toBe(1);
    expect(feature.internals.provider.get(job.id)?.record.txs.map((t) => t.kind)).toEqual(['claim']);
  }, 120_000);
});
