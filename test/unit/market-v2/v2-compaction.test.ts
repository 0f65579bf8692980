/**
 * Compaction of the v2 event log (fake chain): a log compacted (by hand or past its size
 * threshold) and loaded again gives the same Market views, records (reputation), ledger rows
 * and incoming transfers as the whole log, in a smaller file; a job that ended within the
 * reorg horizon, every job of ours and open jobs are kept; another wallet reads the chain again.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Interface } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { v2LedgerSource } from '../../../electron/agent/ledger/ledger-source';
import { TOKEN_ABI } from '../../../electron/agent/chain/market-abi';
import { marketKeyOf } from '../../../electron/agent/chain/chain-hub';
import { createV2EventLog, type V2EventLog } from '../../../electron/agent/market-v2/v2-event-log';
import type { V2MarketSource } from '../../../electron/agent/market-v2/v2-market-source';
import { v2MarketOverview, v2StatusExtras } from '../../../electron/agent/market-v2/v2-market-view';
import { foldV2Records } from '../../../electron/agent/market-v2/v2-records';
import type { MarketStatus } from '../../../shared/domain/market';
import { createFakeChain, type FakeChain, fakeConnection, type FakeLog } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const TOKEN = '0x0000000000000000000000000000000000000001';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const MAIN = 0;
const DIGEST = `0x${'d1'.repeat(32)}`;
const tokenInterface = new Interface(TOKEN_ABI);

const dirs: Array<{ cleanup(): void }> = [];
const logs: V2EventLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.stop();
  dirs.splice(0).forEach((d) => d.cleanup());
});

let txNo = 0;
const ev = (name: string, args: unknown[]): FakeLog => ({ ...v2Log(MARKET, name, args), transactionHash: `0x${(++txNo).toString(16).padStart(64, '0')}` });
const transfer = (from: string, to: string, value: bigint): FakeLog => {
  const encoded = tokenInterface.encodeEventLog('Transfer', [from, to, value]);
  return { address: TOKEN, topics: encoded.topics, data: encoded.data };
};

/** A job `provider` wins and is paid for; `end` picks how it ends. */
function wonJob(chain: FakeChain, id: number, provider: string, end: 'accepted' | 'slashed' | 'disputed', bidders: string[] = [provider]) {
  chain.mine([v2PostedLog(MARKET, id, REQUESTER, `{"job":${id}}`)]);
  chain.mine(bidders.map((b, i) => ev('BidPlaced', [id, b, 150_000n + BigInt(i), 1])));
  chain.mine([ev('AuctionClosed', [id, 1, 180_000n, bidders.length]), ev('SlotAssigned', [id, 0, provider, 180_000n, MAIN])]);
  chain.mine([ev('Committed', [id, 0, provider, DIGEST, 1800]), ev('ResultSubmitted', [id, 0, provider, DIGEST, 1800])]);
  if (end === 'slashed') {
    chain.mine([ev('Slashed', [id, 0, provider, 1_000_000n]), ev('JobRefunded', [id, REQUESTER, 400_000n])]);
  } else if (end === 'disputed') {
    chain.mine([ev('Disputed', [id, REQUESTER, 150_000n])]);
    chain.mine([ev('DisputeResolved', [id, provider, false, false]), ev('SlotPaid', [id, 0, provider, 90_000n, 900n]), ev('JobSettled', [id, REQUESTER, 310_000n, false])]);
  } else {
    chain.mine([ev('SlotPaid', [id, 0, provider, 90_000n, 900n]), ev('JobSettled', [id, REQUESTER, 310_000n, true])]);
  }
}

/** A market with ours, many of others, an open one, stake and withdrawals, and tUSD to us. */
function busyMarket(chain: FakeChain) {
  chain.mine([ev('StakeDeposited', [ME, 5_000_000n]), ev('StakeDeposited', [OTHER, 5_000_000n]), transfer(REQUESTER, ME, 7_000_000n)]);
  wonJob(chain, 1, ME, 'accepted', [ME, OTHER]);
  for (let id = 2; id <= 25; id++) wonJob(chain, id, OTHER, id % 3 === 0 ? 'slashed' : id % 5 === 0 ? 'disputed' : 'accepted');
  // Ours too: we bid and lost.
  wonJob(chain, 26, OTHER, 'accepted', [OTHER, ME]);
  chain.mine([ev('Withdrawn', [ME, 89_100n]), ev('Withdrawn', [OTHER, 500_000n]), transfer(OTHER, ME, 1n)]);
  chain.mine([v2PostedLog(MARKET, 27, REQUESTER, '{"open":true}', { claimBy: 2_000_000_000, runBy: 2_000_010_000 })]);
  chain.mineEmpty(30);
  // Ended within the reorg horizon: kept.
  wonJob(chain, 28, OTHER, 'accepted');
}

function logOn(chain: FakeChain, dir: string, options: { account?: string; compactAfterBytes?: number } = {}): V2EventLog {
  const connection = fakeConnection(chain, MARKET);
  const log = createV2EventLog({
    connection: () => connection,
    reportFailure: () => undefined,
    dataDir: dir,
    logger: recordingLogger().logger,
    account: () => options.account ?? ME,
    confirmations: () => 0,
    pollMs: 3_600_000,
    stepBlocks: 5,
    rememberBlocks: 4,
    compactAfterBytes: options.compactAfterBytes ?? Number.MAX_SAFE_INTEGER,
  });
  logs.push(log);
  return log;
}

function newDir(): string {
  const dir = tempDir('rigshift-v2-compaction-');
  dirs.push(dir);
  return dir.path;
}

const fileOf = (chain: FakeChain, dir: string) => join(dir, 'market', 'v2-index', `${marketKeyOf(fakeConnection(chain, MARKET).network)}.jsonl`);

/** Everything a reader of the log shows: the Market page, the status extras, records, ledger, transfers. */
function views(log: V2EventLog, me = ME) {
  const source: V2MarketSource = {
    jobs: () => log.book.all(),
    job: (id) => log.book.get(id),
    records: () => foldV2Records(log.book.all(), log.recordsBase()),
    runs: () => new Map(),
    passes: () => new Map(),
    me: () => me.toLowerCase(),
    chainTime: () => log.chainTime(),
    chainId: () => 31337,
  };
  const options = { marketAddress: MARKET };
  const records = source.records();
  return {
    overview: v2MarketOverview(source, {} as MarketStatus, options),
    extras: v2StatusExtras(source, options),
    records: { providers: [...records.providers].sort(), requesters: [...records.requesters].sort() },
    ledger: v2LedgerSource(log).fold(me),
    received: log.received(me),
  };
}

describe('v2 event log compaction', () => {
  it('compacted and loaded again: the same views, records, ledger rows and transfers, in a smaller file', async () => {
    const chain = createFakeChain();
    busyMarket(chain);
    const dir = newDir();
    const log = logOn(chain, dir);
    await log.poll();
    const whole = views(log);
    expect(whole.overview.open.map((j) => j.chainJobId)).toEqual(['27']);
    expect(whole.overview.mine.map((j) => j.chainJobId).sort()).toEqual(['1', '26']);
    expect(whole.ledger!.rows.length).toBeGreaterThan(0);
    expect(whole.records.requesters).toEqual([[REQUESTER.toLowerCase(), expect.objectContaining({ posted: 28, refunds: 8, disputesWon: 4 })]]);
    const sizeBefore = statSync(fileOf(chain, dir)).size;
    const jobsBefore = log.book.size();

    log.compact();
    expect([...log.book.all()].map((j) => j.id).sort((a, b) => Number(a) - Number(b))).toEqual(['1', '26', '27', '28']);
    expect(log.book.size()).toBeLessThan(jobsBefore);
    expect(log.accountEvents().every((e) => (e.kind === 'withdrawn' ? e.account : e.provider) === ME)).toBe(true);
    expect(views(log)).toEqual(whole);
    expect(statSync(fileOf(chain, dir)).size).toBeLessThan(sizeBefore / 3);
    await log.stop();

    // Loaded again: the same, without reading the chain again.
    const getLogs = chain.calls.getLogs ?? 0;
    const again = logOn(chain, dir);
    await again.poll();
    expect((chain.calls.getLogs ?? 0) - getLogs).toBe(0);
    expect(views(again)).toEqual(whole);

    // Events after the compaction, and a reorg of them, still fold on top of it.
    chain.mine([ev('BidPlaced', [27, ME, 150_000n, 1])]);
    await again.poll();
    expect(again.book.get('27')!.auctions[0]!.bids.map((b) => b.provider)).toEqual([ME]);
    chain.reorg(1, [[]]);
    await again.poll();
    expect(again.book.get('27')!.auctions[0]?.bids ?? []).toEqual([]);
    const after = views(again);
    expect(after.records).toEqual(whole.records);
    expect(after.ledger!.rows).toEqual(whole.ledger!.rows);
    expect(after.received).toEqual(whole.received);
  });

  it('past its size threshold the log compacts by itself, and shows what the whole log shows', async () => {
    const chain = createFakeChain();
    busyMarket(chain);
    const wholeLog = logOn(chain, newDir());
    await wholeLog.poll();
    const dir = newDir();
    const compacting = logOn(chain, dir, { compactAfterBytes: 4_000 });
    await compacting.poll();
    expect(compacting.book.size()).toBeLessThan(wholeLog.book.size());
    expect(views(compacting)).toEqual(views(wholeLog));
    await compacting.stop();
    const again = logOn(chain, dir, { compactAfterBytes: 4_000 });
    await again.poll();
    expect(views(again)).toEqual(views(wholeLog));
  });

  it('a reorg deeper than the horizon after a compaction reads the chain again, to what a whole log shows', async () => {
    const chain = createFakeChain();
    busyMarket(chain);
    const log = logOn(chain, newDir());
    await log.poll();
    log.compact();
    // Job 28's blocks (and 3 before them) are replaced by another one: deeper than the 4 remembered.
    chain.reorg(8, [[ev('StakeDeposited', [ME, 1n])]]);
    await log.poll();
    const whole = logOn(chain, newDir());
    await whole.poll();
    expect(log.book.get('28')).toBeUndefined();
    expect(log.accountEvents().filter((e) => (e.kind === 'withdrawn' ? e.account : e.provider) === ME).map((e) => e.amount)).toEqual([5_000_000n, 89_100n, 1n]);
    expect(views(log)).toEqual(views(whole));
  });

  it('another wallet after a compaction reads the chain again: its jobs and transfers are all there', async () => {
    const chain = createFakeChain();
    busyMarket(chain);
    const dir = newDir();
    const log = logOn(chain, dir);
    await log.poll();
    log.compact();
    await log.stop();
    const whole = logOn(chain, newDir(), { account: OTHER });
    await whole.poll();
    const switched = logOn(chain, dir, { account: OTHER });
    await switched.poll();
    expect(views(switched, OTHER).ledger!.rows.length).toBeGreaterThan(20);
    expect(views(switched, OTHER)).toEqual(views(whole, OTHER));
  });
});
