/**
 * The ledger as a fold of the v2 market's event log (fake chain, no node): a paid slot with
 * the gas of each tx we sent, a slash (a loss), a dispute's compensation, a lost bid (gas
 * only), a reorg the log rewinds, and a restart that folds to exactly the same rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLedgerFeature, type LedgerFeature } from '../../../electron/agent/ledger/ledger-feature';
import { v2LedgerSource } from '../../../electron/agent/ledger/ledger-source';
import { createV2EventLog, type V2EventLog } from '../../../electron/agent/market-v2/v2-event-log';
import type { EarningsReport, LedgerJob } from '../../../shared/domain/earnings';
import { createFakeChain, fakeChainHub, fakeConnection, type FakeChain, type FakeLog } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const MAIN = 0;
const VERIFY = 2;
const DIGEST = `0x${'d1'.repeat(32)}`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tx = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
/** A v2 event in the tx numbered `n`. */
const ev = (name: string, args: unknown[], n: number): FakeLog => ({ ...v2Log(MARKET, name, args), transactionHash: tx(n) });

/** Receipts of these txs: sent by `from`, gasUsed at `price` wei. */
function receipts(chain: FakeChain, from: string, gas: Record<number, bigint>, price = 1n) {
  for (const [n, gasUsed] of Object.entries(gas)) chain.setReceipt(tx(Number(n)), { from, status: 1, blockNumber: 1, gasUsed, effectiveGasPrice: price });
}
const GWEI = 1_000_000_000n;

interface Ledgered {
  ledger: LedgerFeature;
  log: V2EventLog;
  dir: string;
}

function ledgerOn(chain: FakeChain, dir = tempDir('rigshift-v2-ledger-')): Ledgered {
  const connection = fakeConnection(chain, MARKET);
  const hub = fakeChainHub(connection);
  const clock = { now: () => new Date(1_700_100_000_000) };
  const log = createV2EventLog({ connection: () => connection, reportFailure: () => undefined, dataDir: dir.path, logger: recordingLogger().logger, confirmations: () => 0, pollMs: 3_600_000 });
  const ledger = createLedgerFeature({ dataDir: dir.path, chain: hub, events: v2LedgerSource(log), walletAddress: () => ME, logger: recordingLogger().logger, clock });
  cleanups.push(() => dir.cleanup());
  cleanups.push(async () => {
    ledger.service.close();
    await log.stop();
  });
  return { ledger, log, dir: dir.path };
}

const rows = async (ledger: LedgerFeature) =>
  ((await (ledger.handlers.listLedgerJobs as (r: unknown) => Promise<unknown>)({ limit: 100 })) as { jobs: LedgerJob[] }).jobs;
const earnings = async (ledger: LedgerFeature) => (await (ledger.handlers.getEarnings as (r: unknown) => Promise<unknown>)({ range: 'year' })) as EarningsReport;

/** Job 1: an auction we win (bid, award by us), commit, the requester accepts (pays). */
function paidJob(chain: FakeChain) {
  chain.mine([v2PostedLog(MARKET, 1, REQUESTER, '{}')]);
  chain.mine([ev('BidPlaced', [1, ME, 150_000n, 1], 10)]);
  chain.mine([ev('AuctionClosed', [1, 1, 200_000n, 1], 11), ev('SlotAssigned', [1, 0, ME, 200_000n, MAIN], 11)]);
  chain.mine([ev('Committed', [1, 0, ME, DIGEST, 1800], 12), ev('ResultSubmitted', [1, 0, ME, DIGEST, 1800], 12)]);
  // accept(): price × billed / 3600 = 100_000, fee 1 %.
  const paid = chain.mine([ev('SlotPaid', [1, 0, ME, 100_000n, 1_000n], 13), ev('JobSettled', [1, REQUESTER, 300_000n, true], 13)]);
  chain.mine([ev('Withdrawn', [ME, 99_000n], 14)]);
  receipts(chain, ME, { 10: 50_000n, 11: 70_000n, 12: 60_000n, 14: 30_000n }, GWEI);
  receipts(chain, REQUESTER, { 13: 80_000n }, GWEI);
  return paid;
}

describe('the ledger folds the v2 market (fake chain, no node)', () => {
  it('a paid slot: gross and fee as SlotPaid says, the gas of our bid, award and commit, not of the accept', async () => {
    const chain = createFakeChain();
    paidJob(chain);
    const { ledger } = ledgerOn(chain);
    const result = await ledger.reconcileNow();
    expect(result?.jobs).toBe(1);
    const [row, ...rest] = await rows(ledger);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ chainJobId: '1', attempt: 0, state: 'settled', requester: REQUESTER, askMicrosPerHour: '200000', grossMicros: '100000', feeMicros: '1000', billedSeconds: 1800, settledBy: 'requester', stakeLostMicros: '0' });
    expect(row!.gasWei).toBe(String((50_000n + 70_000n + 60_000n) * GWEI));
    expect(row!.txs.map((t) => [t.kind, t.byUs])).toEqual([['bid', true], ['award', true], ['commit', true], ['accept', false]]);
    // The withdrawal is no earning, but its gas is ours.
    const report = await earnings(ledger);
    expect(report.totals).toMatchObject({ grossMicros: '100000', feeMicros: '1000', jobs: 1, gasWei: String((180_000n + 30_000n) * GWEI) });
    // A gas coin price set (20 USD): net = gross − fee − gas (no electricity recorded for this run).
    await (ledger.handlers.setGasCoinPrice as (r: unknown) => Promise<unknown>)({ microsPerCoin: '20000000' });
    const priced = await earnings(ledger);
    // 210,000 gas at 1 gwei = 0.00021 coin = 4,200 micros.
    expect(priced.totals.gasMicros).toBe('4200');
    expect(priced.totals.netMicros).toBe(String(100_000n - 1_000n - 4_200n));
  });

  it('a slot slashed from us is a loss; a bid that won nothing costs its gas and counts as no job', async () => {
    const chain = createFakeChain();
    // Job 2: fixed price, claimed, never committed; someone concludes: slashed.
    chain.mine([v2PostedLog(MARKET, 2, REQUESTER, '{}', { bidWindowSeconds: 0 })]);
    chain.mine([ev('SlotAssigned', [2, 0, ME, 200_000n, MAIN], 20)]);
    chain.mine([ev('Slashed', [2, 0, ME, 5_000_000n], 21), ev('JobRefunded', [2, REQUESTER, 400_000n], 21)]);
    // Job 3: we bid, a lower ask wins.
    chain.mine([v2PostedLog(MARKET, 3, REQUESTER, '{}')]);
    chain.mine([ev('BidPlaced', [3, ME, 180_000n, 1], 30), ev('BidPlaced', [3, OTHER, 120_000n, 1], 31)]);
    chain.mine([ev('AuctionClosed', [3, 1, 200_000n, 2], 32), ev('SlotAssigned', [3, 0, OTHER, 200_000n, MAIN], 32)]);
    receipts(chain, ME, { 20: 40_000n, 30: 45_000n });
    receipts(chain, OTHER, { 21: 90_000n, 31: 1n, 32: 1n });
    const { ledger } = ledgerOn(chain);
    await ledger.reconcileNow();
    const all = await rows(ledger);
    const slashed = all.find((r) => r.chainJobId === '2')!;
    expect(slashed).toMatchObject({ attempt: 0, state: 'slashed', grossMicros: '0', stakeLostMicros: '5000000', gasWei: '40000' });
    expect(BigInt(slashed.netMicros)).toBe(-5_000_000n);
    expect(slashed.txs.map((t) => t.kind)).toEqual(['claim', 'conclude']);
    const outbid = all.find((r) => r.chainJobId === '3')!;
    expect(outbid).toMatchObject({ attempt: -1, state: 'outbid', askMicrosPerHour: '180000', gasWei: '45000', grossMicros: '0' });
    const report = await earnings(ledger);
    expect(report.totals).toMatchObject({ jobs: 1, stakeLostMicros: '5000000', gasWei: '85000', netMicros: '-5000000' });
  });

  it('an upheld dispute credits us the bond less the verifier pay: counted in gross', async () => {
    const chain = createFakeChain();
    chain.mine([v2PostedLog(MARKET, 4, REQUESTER, '{}', { bidWindowSeconds: 0 })]);
    chain.mine([ev('SlotAssigned', [4, 0, ME, 200_000n, MAIN], 40)]);
    chain.mine([ev('Committed', [4, 0, ME, DIGEST, 3600], 41), ev('ResultSubmitted', [4, 0, ME, DIGEST, 3600], 41)]);
    chain.mine([ev('Disputed', [4, REQUESTER, 150_000n], 42), ev('RoundOpened', [4, VERIFY, 2, 0, 1_700_001_000, 1_700_005_000], 42)]);
    chain.mine([ev('SlotAssigned', [4, 1, OTHER, 100_000n, VERIFY], 43)]);
    chain.mine([ev('Committed', [4, 1, OTHER, DIGEST, 600], 44)]);
    chain.mine([ev('Revealed', [4, 0, ME, DIGEST], 45)]);
    // The verifier's reveal resolves it: we are paid from the escrow, the verifier from the bond.
    chain.mine([
      ev('Revealed', [4, 1, OTHER, DIGEST], 46),
      ev('SlotPaid', [4, 0, ME, 200_000n, 2_000n], 46),
      ev('SlotPaid', [4, 1, OTHER, 16_666n, 166n], 46),
      ev('DisputeResolved', [4, ME, true, false], 46),
      ev('JobSettled', [4, REQUESTER, 0n, false], 46),
    ]);
    receipts(chain, ME, { 40: 1n, 41: 1n, 45: 1n });
    receipts(chain, OTHER, { 46: 1n });
    const { ledger } = ledgerOn(chain);
    await ledger.reconcileNow();
    const all = await rows(ledger);
    expect(all).toHaveLength(1);
    // 200_000 paid + (150_000 bond − 16_666 to the verifier) compensation; the fee only on the pay.
    expect(all[0]).toMatchObject({ chainJobId: '4', attempt: 0, state: 'settled', grossMicros: String(200_000n + 150_000n - 16_666n), feeMicros: '2000', settledBy: 'timeout', gasWei: '3' });
    expect(all[0]!.txs.map((t) => t.kind)).toEqual(['claim', 'commit', 'reveal', 'finalize']);
  });

  it('a reorg the log rewinds takes the payment back out; mined again, one row, not two', async () => {
    const chain = createFakeChain();
    paidJob(chain);
    const { ledger, log } = ledgerOn(chain);
    await ledger.reconcileNow();
    expect((await rows(ledger))[0]?.state).toBe('settled');
    // The blocks of the payment and the withdrawal are replaced by empty ones.
    chain.reorg(2, [[], []]);
    await log.poll();
    await ledger.reconcileNow();
    const after = await rows(ledger);
    expect(after.map((r) => [r.state, r.grossMicros, r.closedAt])).toEqual([['submitted', '0', null]]);
    expect((await earnings(ledger)).totals.gasWei).toBe('0');
    chain.mine([ev('SlotPaid', [1, 0, ME, 100_000n, 1_000n], 13), ev('JobSettled', [1, REQUESTER, 300_000n, true], 13)]);
    await log.poll();
    await ledger.reconcileNow();
    const again = await rows(ledger);
    expect(again.map((r) => [r.chainJobId, r.attempt, r.state, r.grossMicros])).toEqual([['1', 0, 'settled', '100000']]);
  });

  it('a restart (log resumed from its file, ledger reopened) folds to the same rows: nothing added, changed or lost', async () => {
    const chain = createFakeChain();
    paidJob(chain);
    const dir = tempDir('rigshift-v2-ledger-restart-');
    const first = ledgerOn(chain, { path: dir.path, cleanup: () => undefined });
    await first.ledger.reconcileNow();
    const before = await rows(first.ledger);
    first.ledger.service.close();
    await first.log.stop();
    const second = ledgerOn(chain, dir);
    const result = await second.ledger.reconcileNow({ full: true });
    expect(result?.diff).toEqual({ added: 0, updated: 0, corrected: [], removed: 0 });
    expect(await rows(second.ledger)).toEqual(before);
    expect((await earnings(second.ledger)).totals.gasWei).toBe(String(210_000n * GWEI));
  });
});
