import { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { getLogsChunked } from '../../../electron/agent/chain/get-logs-chunked';
import { MARKET_ABI, TOKEN_ABI } from '../../../electron/agent/chain/market-abi';
import { createMarketIndexer, type GetLogs, type IndexerUpdate } from '../../../electron/agent/market/market-indexer';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';
import { jobDocument, startChainFixture, type ChainFixture } from './chain-fixture';

let chain: ChainFixture;
const dir = tempDir('rigshift-market-indexer-');

beforeAll(async () => {
  chain = await startChainFixture();
}, 120_000);

afterAll(async () => {
  await chain?.stop();
  dir.cleanup();
});

function indexer(options: { online?: () => boolean; dataDir?: string } = {}) {
  const calls: Array<[number, number]> = [];
  const updates: IndexerUpdate[] = [];
  const failures: unknown[] = [];
  const getLogs: GetLogs = (provider, filter, from, to) => {
    calls.push([from, to]);
    return getLogsChunked(provider, filter, from, to);
  };
  const instance = createMarketIndexer({
    connection: () => ((options.online?.() ?? true) ? chain.connection : null),
    reportFailure: (error) => failures.push(error),
    getLogs,
    dataDir: options.dataDir ?? dir.path,
    logger: recordingLogger().logger,
    clock: { now: () => new Date() },
    confirmations: () => 0,
    reopenClaimWindow: async () => 300,
    onUpdate: (update) => updates.push(update),
    saveEveryMs: 0,
  });
  return { instance, calls, updates, failures };
}

async function claim(id: string, by: number) {
  const signer = chain.signer(by);
  const token = new Contract(chain.token, TOKEN_ABI, signer);
  await (await token.getFunction('approve')(chain.market, 5_000_000n)).wait();
  const market = new Contract(chain.market, MARKET_ABI, signer);
  await (await market.getFunction('depositStake')(5_000_000n)).wait();
  await (await market.getFunction('claim')(BigInt(id), 500_000n)).wait();
}

describe('market indexer against a real Hardhat node', () => {
  it('ingests posted jobs, resumes from its persisted cursor after a restart', async () => {
    const a = await chain.post({ spec: jobDocument({ name: 'first' }) });
    const b = await chain.post({ spec: jobDocument({ name: 'second' }) });
    const first = indexer();
    await first.instance.poll();
    expect(first.instance.book.get(a.id)?.state).toBe('open');
    expect(first.instance.book.get(b.id)?.spec).toContain('second');
    expect(first.calls[0]?.[0]).toBe(chain.deploymentBlock);
    const cursor = first.instance.status().block as number;
    expect(cursor).toBeGreaterThanOrEqual(b.block);
    await first.instance.stop();

    const c = await chain.post({ spec: jobDocument({ name: 'third' }) });
    const second = indexer();
    await second.instance.poll();
    // Loaded from the snapshot (no rescan from the deployment block), then only the new blocks.
    expect(second.calls[0]?.[0]).toBe(cursor + 1);
    expect(second.instance.book.get(a.id)?.state).toBe('open');
    expect(second.instance.book.get(c.id)?.spec).toContain('third');
    await second.instance.stop();
  }, 60_000);

  it('rewinds when the chain is reverted (evm_snapshot / evm_revert) and rebuilds job state from events', async () => {
    const watcher = indexer();
    const kept = await chain.post({ spec: jobDocument({ name: 'kept' }) });
    await watcher.instance.poll();
    const snapshot = await chain.send('evm_snapshot');
    const doomed = await chain.post({ spec: jobDocument({ name: 'doomed' }) });
    await claim(kept.id, 3);
    await watcher.instance.poll();
    expect(watcher.instance.book.get(doomed.id)?.spec).toContain('doomed');
    expect(watcher.instance.book.get(kept.id)?.state).toBe('claimed');

    await chain.send('evm_revert', [snapshot]);
    // A different history at the same heights: more blocks than were reverted, new job at the same id.
    await chain.send('hardhat_mine', ['0x2']);
    const replacement = await chain.post({ spec: jobDocument({ name: 'replacement' }) });
    expect(replacement.id).toBe(doomed.id);
    await watcher.instance.poll();
    expect(watcher.instance.book.get(kept.id)?.state).toBe('open');
    expect(watcher.instance.book.get(kept.id)?.provider).toBeNull();
    expect(watcher.instance.book.get(doomed.id)?.spec).toContain('replacement');
    expect(watcher.instance.book.get(doomed.id)?.events).toHaveLength(1);
    const rewound = watcher.updates.some((u) => u.changed.has(kept.id) || u.removed.has(doomed.id) || u.reset);
    expect(rewound).toBe(true);
    await watcher.instance.stop();
  }, 60_000);

  it('survives the RPC going away and coming back, catching up what was posted meanwhile', async () => {
    const watcher = indexer();
    await watcher.instance.poll();
    const before = watcher.instance.book.size();
    await chain.proxy.down();
    const during = await chain.post({ spec: jobDocument({ name: 'posted while away' }) });
    await watcher.instance.poll();
    expect(watcher.failures.length).toBeGreaterThan(0);
    expect(watcher.instance.status().lastError).not.toBeNull();
    expect(watcher.instance.book.size()).toBe(before);
    await chain.proxy.up();
    await watcher.instance.poll();
    expect(watcher.instance.status().lastError).toBeNull();
    expect(watcher.instance.book.get(during.id)?.spec).toContain('posted while away');
    await watcher.instance.stop();
  }, 60_000);

  it('keeps separate cursors per chain (a restarted devnet at the same addresses is a new chain)', async () => {
    const other: ChainConnection = { ...chain.connection, network: { ...chain.connection.network, genesisHash: `0x${'1'.repeat(64)}` } };
    const fresh = tempDir('rigshift-market-indexer-other-');
    try {
      const a = indexer({ dataDir: fresh.path });
      await a.instance.poll();
      const jobs = a.instance.book.size();
      expect(jobs).toBeGreaterThan(0);
      await a.instance.stop();
      const b = createMarketIndexer({
        connection: () => other,
        reportFailure: () => undefined,
        getLogs: (p, f, from, to) => getLogsChunked(p, f, from, to),
        dataDir: fresh.path,
        logger: recordingLogger().logger,
        clock: { now: () => new Date() },
        confirmations: () => 0,
        reopenClaimWindow: async () => 300,
        onUpdate: () => undefined,
      });
      await b.poll();
      expect(b.status().chainKey).not.toBe(a.instance.status().chainKey);
      expect(b.book.size()).toBe(jobs); // rescanned from the deployment block, not resumed
      await b.stop();
    } finally {
      fresh.cleanup();
    }
  }, 60_000);
});
