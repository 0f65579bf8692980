/**
 * The ledger as a fold of the market event log, through the fake chain: no node, no scan
 * of its own. Rows come from the log's events for our account, gas from our receipts, and a
 * reorg the log rewinds is undone in the ledger too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { v1LedgerSource } from '../../../electron/agent/ledger/ledger-source';
import { createLedgerFeature, type LedgerFeature } from '../../../electron/agent/ledger/ledger-feature';
import { createMarketEventLog } from '../../../electron/agent/market/market-event-log';
import { marketInterface } from '../../../electron/agent/market/market-events';
import type { LedgerJob } from '../../../shared/domain/earnings';
import { createFakeChain, fakeChainHub, fakeConnection, type FakeChain } from '../../fakes/fake-chain';
import { claimedLog, postedLog, settledLog, submittedLog, withdrawnLog } from '../../fakes/market-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Answers the few contract reads the fold may need (minStake etc. and getJob's requester). */
function answerReads(chain: FakeChain) {
  chain.onCall(({ data }) => {
    const fn = marketInterface.parseTransaction({ data })!;
    const constants: Record<string, bigint> = { minStake: 5_000_000n, challengeWindow: 120n, feeBps: 100n, reopenClaimWindow: 300n };
    if (fn.name in constants) return marketInterface.encodeFunctionResult(fn.name, [constants[fn.name]]);
    if (fn.name === 'getJob') {
      const fields = marketInterface.getFunction('getJob')!.outputs[0]!.components!;
      const fill = (type: string) => (type === 'address' ? ME : type === 'bool' ? false : type.startsWith('bytes') ? `0x${'00'.repeat(32)}` : 1n);
      const job = Object.fromEntries(fields.map((f) => [f.name, f.name === 'requester' ? REQUESTER : fill(f.type)]));
      return marketInterface.encodeFunctionResult('getJob', [job]);
    }
    throw new Error(`unexpected call ${fn.name}`);
  });
}

function ledgerOn(chain: FakeChain): LedgerFeature {
  const dir = tempDir('rigshift-ledger-fold-');
  const hub = fakeChainHub(fakeConnection(chain, MARKET));
  const clock = { now: () => new Date(1_700_100_000_000) };
  const events = createMarketEventLog({ chain: hub, dataDir: dir.path, logger: recordingLogger().logger, clock, account: () => ME });
  const ledger = createLedgerFeature({ dataDir: dir.path, chain: hub, events: v1LedgerSource(events), walletAddress: () => ME, logger: recordingLogger().logger, clock });
  cleanups.push(() => dir.cleanup(), () => ledger.service.close());
  return ledger;
}

const rows = async (ledger: LedgerFeature) =>
  ((await (ledger.handlers.listLedgerJobs as (r: unknown) => Promise<unknown>)({ limit: 100 })) as { jobs: LedgerJob[] }).jobs;

describe('the ledger folds the market event log (fake chain, no node)', () => {
  it('builds one row per claim of ours, with our gas, and ignores other providers', async () => {
    const chain = createFakeChain();
    answerReads(chain);
    chain.mine([postedLog(MARKET, 1, REQUESTER, '{}'), postedLog(MARKET, 2, REQUESTER, '{}')]);
    const claim = chain.mine([{ ...claimedLog(MARKET, 1, ME, 1_800_000n), transactionHash: `0x${'c1'.repeat(32)}` }, claimedLog(MARKET, 2, OTHER, 1_000_000n)]);
    chain.mine([{ ...submittedLog(MARKET, 1, ME, 1800), transactionHash: `0x${'c2'.repeat(32)}` }]);
    chain.mine([settledLog(MARKET, 1, ME, REQUESTER, 900_000n, 9_000n), settledLog(MARKET, 2, OTHER, REQUESTER, 5n, 0n)]);
    chain.mine([{ ...withdrawnLog(MARKET, ME, 891_000n), transactionHash: `0x${'c3'.repeat(32)}` }]);
    for (const [hash, gas] of [['c1', 50_000n], ['c2', 60_000n], ['c3', 30_000n]] as const) {
      chain.setReceipt(`0x${hash.repeat(32)}`, { from: ME, status: 1, blockNumber: claim.number, gasUsed: gas, effectiveGasPrice: 2n });
    }
    // The requester's accept: not ours, so no gas of ours.
    const settleTx = (await chain.getLogs({ address: MARKET, topics: [marketInterface.getEvent('JobSettled')!.topicHash] }, 0, 10))[0]!.transactionHash;
    chain.setReceipt(settleTx, { from: REQUESTER, status: 1, blockNumber: 4, gasUsed: 70_000n, effectiveGasPrice: 2n });

    const ledger = ledgerOn(chain);
    const result = await ledger.reconcileNow();
    expect(result?.jobs).toBe(1);
    const [row, ...rest] = await rows(ledger);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ chainJobId: '1', state: 'settled', grossMicros: '900000', feeMicros: '9000', billedSeconds: 1800 });
    expect(row!.gasWei).toBe(String((50_000n + 60_000n) * 2n));
    // It read no logs itself: only the event log did, once per range.
    // One here in the test; the event log's one step: the market's events and the token's transfers to us.
    expect(chain.calls.getLogs).toBe(3);
  });

  it('undoes a claim the chain reorganised away', async () => {
    const chain = createFakeChain();
    answerReads(chain);
    chain.mine([postedLog(MARKET, 1, REQUESTER, '{}')]);
    chain.mine([{ ...claimedLog(MARKET, 1, ME, 1_000_000n), transactionHash: `0x${'d1'.repeat(32)}` }]);
    chain.setReceipt(`0x${'d1'.repeat(32)}`, { from: ME, status: 1, blockNumber: 2, gasUsed: 1n, effectiveGasPrice: 1n });
    const ledger = ledgerOn(chain);
    await ledger.reconcileNow();
    expect(await rows(ledger)).toHaveLength(1);
    chain.reorg(1, [[], []]);
    await ledger.reconcileNow();
    expect(await rows(ledger)).toEqual([]);
  });
});
