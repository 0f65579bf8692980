/**
 * The ledger folds the log of the market that runs (market-switch.ts), never the other one.
 * The defect this guards: the ledger was wired to the v1 market event log alone, so on a v2
 * deployment its reconcileNow (caughtUp) polled the v1 log against the v2 market: a v1-only
 * read (reopenClaimWindow) the v2 contract does not have, a failure reported to the chain
 * hub, and no earnings at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentFeature, AgentFeatureContext } from '../../../electron/agent/agent-feature';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { createLedgerFeature } from '../../../electron/agent/ledger/ledger-feature';
import { activeLedgerSource, v1LedgerSource, v2LedgerSource } from '../../../electron/agent/ledger/ledger-source';
import { createMarketEventLog } from '../../../electron/agent/market/market-event-log';
import { createMarketSwitch } from '../../../electron/agent/market-v2/market-switch';
import { createV2EventLog } from '../../../electron/agent/market-v2/v2-event-log';
import type { LedgerJob } from '../../../shared/domain/earnings';
import { createFakeChain, fakeChainHub, fakeConnection } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A v2 deployment on the fake chain with one slot of ours paid, and the agent's wiring around it. */
function v2Agent() {
  const chain = createFakeChain();
  const tx = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
  chain.mine([v2PostedLog(MARKET, 1, REQUESTER, '{}', { bidWindowSeconds: 0 })]);
  chain.mine([{ ...v2Log(MARKET, 'SlotAssigned', [1, 0, ME, 200_000n, 0]), transactionHash: tx(1) }]);
  chain.mine([{ ...v2Log(MARKET, 'SlotPaid', [1, 0, ME, 50_000n, 500n]), transactionHash: tx(2) }, { ...v2Log(MARKET, 'JobSettled', [1, REQUESTER, 0n, false]), transactionHash: tx(2) }]);
  chain.setReceipt(tx(1), { from: ME, status: 1, blockNumber: 2, gasUsed: 21_000n, effectiveGasPrice: 1n });
  chain.setReceipt(tx(2), { from: ME, status: 1, blockNumber: 3, gasUsed: 30_000n, effectiveGasPrice: 1n });
  const plain = fakeConnection(chain, MARKET);
  const connection: ChainConnection = { ...plain, network: { ...plain.network, marketVersion: 2 } };
  const failures: unknown[] = [];
  const hub = { ...fakeChainHub(connection), reportFailure: (error: unknown) => void failures.push(error) };
  const dir = tempDir('rigshift-ledger-active-');
  const logger = recordingLogger().logger;
  const clock = { now: () => new Date(1_700_100_000_000) };
  // The v1 market event log exists in every agent (composed once), whichever market runs.
  const v1Log = createMarketEventLog({ chain: hub, dataDir: dir.path, logger, clock, account: () => ME });
  const log2 = createV2EventLog({ connection: () => connection, reportFailure: hub.reportFailure, dataDir: dir.path, logger, confirmations: () => 0, pollMs: 3_600_000 });
  const v1: AgentFeature = { name: 'market', handlers: {} };
  const market = createMarketSwitch({
    chain: hub,
    logger,
    v1,
    v2: () => ({ name: 'market', handlers: {}, internals: { log: log2 }, start: () => log2.start(), stop: () => log2.stop() }),
  });
  // As compose.ts wires it.
  const events = activeLedgerSource({
    market,
    v1: v1LedgerSource(v1Log),
    v2: () => {
      const log = market.v2Feature()?.internals.log;
      return log ? v2LedgerSource(log) : null;
    },
  });
  const ledger = createLedgerFeature({ dataDir: dir.path, chain: hub, events, walletAddress: () => ME, logger, clock });
  cleanups.push(() => dir.cleanup());
  cleanups.push(async () => {
    ledger.service.close();
    await market.stop?.();
    await v1Log.stop();
  });
  return { chain, market, ledger, failures, v1Log };
}

describe('the ledger follows the running market', () => {
  it('on a v2 market it folds the v2 log and never polls the v1 one (no v1-only read, no failure)', async () => {
    const { chain, market, ledger, failures, v1Log } = v2Agent();
    // Before the market is known nothing is folded, and nothing is polled.
    expect(await ledger.reconcileNow()).toBeNull();
    await market.start?.({} as AgentFeatureContext, { longRunning: true });
    expect(market.version()).toBe(2);
    const result = await ledger.reconcileNow();
    expect(result?.jobs).toBe(1);
    const { jobs } = (await (ledger.handlers.listLedgerJobs as (r: unknown) => Promise<unknown>)({})) as { jobs: LedgerJob[] };
    expect(jobs.map((j) => [j.chainJobId, j.state, j.grossMicros, j.gasWei])).toEqual([['1', 'settled', '50000', '51000']]);
    // The v1 log never ran against the v2 market: no contract call (reopenClaimWindow), no failure.
    expect(chain.calls.call ?? 0).toBe(0);
    expect(failures).toEqual([]);
    expect(v1Log.status().chainKey).toBeNull();
  });

  it('the v1 log polled against a v2 market does fail: what the old wiring did on reconcileNow', async () => {
    const { chain, failures, v1Log } = v2Agent();
    await expect(v1LedgerSource(v1Log).caughtUp()).rejects.toThrow();
    expect(chain.calls.call ?? 0).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
  });
});
