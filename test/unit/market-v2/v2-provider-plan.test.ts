/**
 * The v2 provider's decisions (market-v2/v2-provider-plan.ts) on books folded from v2 logs read
 * through the fake chain: bid the floor, award after the window, commit before runBy, reveal
 * never early, a single replica never reveals outside a dispute, redeliver, and the owner's
 * requester rule.
 */
import { describe, expect, it } from 'vitest';
import { createV2Book, type V2Book } from '../../../electron/agent/market-v2/v2-book';
import { decodeMarketV2Log, V2_EVENT_TOPICS, type V2JobEvent } from '../../../electron/agent/market-v2/v2-events';
import { DEFAULT_REQUESTER_RULE, planV2, type V2LocalRun, type V2PlanInput } from '../../../electron/agent/market-v2/v2-provider-plan';
import { emptyProviderRecord, foldV2Records } from '../../../electron/agent/market-v2/v2-records';
import { createFakeChain, type FakeLog } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const B = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const C = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
const H = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
// v2PostedLog's defaults: bidEnds 1_700_000_010, claimBy 1_700_000_300, runBy 1_700_004_500, max 0.20 USD/h.
const BID_ENDS = 1_700_000_010;
const RUN_BY = 1_700_004_500;

async function book(groups: FakeLog[][]): Promise<V2Book> {
  const chain = createFakeChain();
  for (const logs of groups) chain.mine(logs);
  const logs = await chain.getLogs({ address: MARKET, topics: [V2_EVENT_TOPICS] }, 0, chain.blocks().length - 1);
  const b = createV2Book();
  b.apply(logs.map((l) => decodeMarketV2Log(l)).filter((e): e is V2JobEvent => e !== null && 'id' in e));
  return b;
}

function input(b: V2Book, over: Partial<V2PlanInput> = {}, runs: Record<string, V2LocalRun> = {}): V2PlanInput {
  const records = foldV2Records(b.all());
  return {
    me: ME.toLowerCase(),
    now: BID_ENDS - 5,
    floorPerHour: 100_000n,
    challengeWindow: 120,
    freeStake: 10_000_000n,
    minStake: 5_000_000n,
    myRecord: records.providers.get(ME.toLowerCase()) ?? emptyProviderRecord(),
    requesterRecord: (a) => records.requesters.get(a.toLowerCase()),
    rule: DEFAULT_REQUESTER_RULE,
    fits: () => true,
    runs: new Map(Object.entries(runs)),
    ...over,
  };
}
const done = (slot: number, deliveredTo: string[] = []): V2LocalRun => ({ slot, outputsDigest: H(7), salt: H(8), seconds: 1800, deliveredTo });

describe('the v2 provider plan', () => {
  it('bids its floor during the window, passes on what it may not take, and awards after the window', async () => {
    const b = await book([
      [v2PostedLog(MARKET, 1, REQUESTER, '{}'), v2PostedLog(MARKET, 2, REQUESTER, '{}', { maxPricePerHour: 50_000n }), v2PostedLog(MARKET, 3, REQUESTER, '{}', { minProviderSettled: 2 }), v2PostedLog(MARKET, 4, ME, '{}')],
    ]);
    expect(planV2(b.all(), input(b))).toEqual([
      { kind: 'bid', id: '1', ask: 100_000n },
      { kind: 'pass', id: '2', reason: 'its max price is below our floor' },
      { kind: 'pass', id: '3', reason: 'the job asks for 2 settled runs; we have 0' },
      { kind: 'pass', id: '4', reason: 'this is our own job' },
    ]);
    expect(planV2([b.get('1')!], input(b, { freeStake: 1n }))).toEqual([{ kind: 'pass', id: '1', reason: 'not enough free stake for the bond' }]);
    expect(planV2([b.get('1')!], input(b, { fits: () => false }))).toEqual([{ kind: 'pass', id: '1', reason: 'it does not fit this machine' }]);

    const bid = await book([[v2PostedLog(MARKET, 1, REQUESTER, '{}')], [v2Log(MARKET, 'BidPlaced', [1, ME, 100_000n, 1]), v2Log(MARKET, 'BidPlaced', [1, B, 120_000n, 1])]]);
    expect(planV2(bid.all(), input(bid))).toEqual([]);
    expect(planV2(bid.all(), input(bid, { now: BID_ENDS + 1 }))).toEqual([{ kind: 'award', id: '1' }]);
  });

  it('refuses a requester that lost more disputes than the owner allows', async () => {
    const lost = (id: number): FakeLog[][] => [
      [v2PostedLog(MARKET, id, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [id, 0, B, 200_000n, 0]), v2Log(MARKET, 'Disputed', [id, REQUESTER, 1n]), v2Log(MARKET, 'DisputeResolved', [id, B, true, false]), v2Log(MARKET, 'JobSettled', [id, REQUESTER, 0n, false])],
    ];
    const b = await book([...lost(1), ...lost(2), ...lost(3), [v2PostedLog(MARKET, 9, REQUESTER, '{}')]]);
    expect(planV2([b.get('9')!], input(b))).toEqual([{ kind: 'pass', id: '9', reason: 'its requester lost 3 disputes (our rule: at most 2)' }]);
    expect(planV2([b.get('9')!], input(b, { rule: { maxDisputesLost: 3 } }))).toEqual([{ kind: 'bid', id: '9', ask: 100_000n }]);
  });

  it('runs an awarded slot, commits before runBy, and never commits after it', async () => {
    const b = await book([[v2PostedLog(MARKET, 1, REQUESTER, '{}')], [v2Log(MARKET, 'AuctionClosed', [1, 1, 120_000n, 2]), v2Log(MARKET, 'SlotAssigned', [1, 0, ME, 120_000n, 0])]]);
    expect(planV2(b.all(), input(b, { now: BID_ENDS + 2 }))).toEqual([{ kind: 'run', id: '1', slot: 0 }]);
    expect(planV2(b.all(), input(b, { now: BID_ENDS + 2 }, { 1: { slot: 0, outputsDigest: null, salt: null, seconds: null, deliveredTo: [] } }))).toEqual([]);
    expect(planV2(b.all(), input(b, { now: RUN_BY - 1 }, { 1: { ...done(0), seconds: 99_999 } }))).toEqual([{ kind: 'commit', id: '1', slot: 0, outputsDigest: H(7), salt: H(8), billedSeconds: 3600 }]);
    expect(planV2(b.all(), input(b, { now: RUN_BY + 1 }, { 1: done(0) }))).toEqual([{ kind: 'pass', id: '1', reason: 'the run deadline passed before we could commit' }]);
  });

  it('a single replica never reveals outside a dispute; in a dispute it reveals only after the verifier committed', async () => {
    const submitted: FakeLog[][] = [
      [v2PostedLog(MARKET, 1, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [1, 0, ME, 200_000n, 0]), v2Log(MARKET, 'Committed', [1, 0, ME, H(1), 1800]), v2Log(MARKET, 'ResultSubmitted', [1, 0, ME, H(1), 1800])],
    ];
    const b = await book(submitted);
    expect(planV2(b.all(), input(b, { now: RUN_BY + 10 }, { 1: done(0) }))).toEqual([]);
    const disputed = [...submitted, [v2Log(MARKET, 'Disputed', [1, REQUESTER, 1n]), v2Log(MARKET, 'RoundOpened', [1, 2, 2, 0, RUN_BY, RUN_BY + 5000])], [v2Log(MARKET, 'SlotAssigned', [1, 1, B, 200_000n, 2])]];
    const waiting = await book(disputed);
    expect(planV2(waiting.all(), input(waiting, { now: RUN_BY - 10 }, { 1: done(0) }))).toEqual([]);
    const verified = await book([...disputed, [v2Log(MARKET, 'Committed', [1, 1, B, H(2), 1800])]]);
    expect(planV2(verified.all(), input(verified, { now: RUN_BY - 10 }, { 1: done(0) }))).toEqual([{ kind: 'reveal', id: '1', slot: 0, outputsDigest: H(7), salt: H(8) }]);
    // Past the reveal window (runBy + challenge window) nothing is sent.
    expect(planV2(verified.all(), input(verified, { now: RUN_BY + 5000 + 121 }, { 1: done(0) }))).toEqual([]);
  });

  it('replicas reveal never early: not while another replica has not committed, then at once', async () => {
    const start: FakeLog[][] = [
      [v2PostedLog(MARKET, 1, REQUESTER, '{}', { replicas: 3 })],
      [v2Log(MARKET, 'AuctionClosed', [1, 1, 150_000n, 4]), v2Log(MARKET, 'SlotAssigned', [1, 0, ME, 150_000n, 0]), v2Log(MARKET, 'SlotAssigned', [1, 1, B, 150_000n, 0]), v2Log(MARKET, 'SlotAssigned', [1, 2, C, 150_000n, 0])],
      [v2Log(MARKET, 'Committed', [1, 0, ME, H(1), 1800]), v2Log(MARKET, 'Committed', [1, 1, B, H(2), 1800])],
    ];
    const early = await book(start);
    expect(planV2(early.all(), input(early, { now: RUN_BY - 100 }, { 1: done(0) }))).toEqual([]);
    // After runBy the silent replica cannot hold the others hostage.
    expect(planV2(early.all(), input(early, { now: RUN_BY + 1 }, { 1: done(0) }))).toEqual([{ kind: 'reveal', id: '1', slot: 0, outputsDigest: H(7), salt: H(8) }]);
    const all = await book([...start, [v2Log(MARKET, 'Committed', [1, 2, C, H(3), 1800])]]);
    expect(planV2(all.all(), input(all, { now: RUN_BY - 100 }, { 1: done(0) }))).toEqual([{ kind: 'reveal', id: '1', slot: 0, outputsDigest: H(7), salt: H(8) }]);
  });

  it('redelivers to each new URL the requester names while it keeps the results, even after settlement', async () => {
    const b = await book([
      [v2PostedLog(MARKET, 1, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [1, 0, ME, 200_000n, 0]), v2Log(MARKET, 'Committed', [1, 0, ME, H(1), 1800]), v2Log(MARKET, 'ResultSubmitted', [1, 0, ME, H(1), 1800])],
      [v2Log(MARKET, 'RedeliveryRequested', [1, REQUESTER, 'http://127.0.0.1:9/a'])],
    ]);
    expect(planV2(b.all(), input(b, { now: RUN_BY }, { 1: done(0) }))).toEqual([{ kind: 'redeliver', id: '1', uploadUrl: 'http://127.0.0.1:9/a' }]);
    expect(planV2(b.all(), input(b, { now: RUN_BY }, { 1: done(0, ['http://127.0.0.1:9/a']) }))).toEqual([]);
    const settled = await book([
      [v2PostedLog(MARKET, 1, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [1, 0, ME, 200_000n, 0]), v2Log(MARKET, 'Committed', [1, 0, ME, H(1), 1800]), v2Log(MARKET, 'ResultSubmitted', [1, 0, ME, H(1), 1800])],
      [v2Log(MARKET, 'SlotPaid', [1, 0, ME, 1n, 0n]), v2Log(MARKET, 'JobSettled', [1, REQUESTER, 0n, true])],
      [v2Log(MARKET, 'RedeliveryRequested', [1, REQUESTER, 'http://127.0.0.1:9/b'])],
    ]);
    expect(planV2(settled.all(), input(settled, { now: RUN_BY }, { 1: done(0, ['http://127.0.0.1:9/a']) }))).toEqual([{ kind: 'redeliver', id: '1', uploadUrl: 'http://127.0.0.1:9/b' }]);
  });

  it('a disputed provider is barred from verifying its own job', async () => {
    const b = await book([
      [v2PostedLog(MARKET, 1, REQUESTER, '{}', { bidWindowSeconds: 10 })],
      [v2Log(MARKET, 'AuctionClosed', [1, 1, 200_000n, 1]), v2Log(MARKET, 'SlotAssigned', [1, 0, B, 200_000n, 0]), v2Log(MARKET, 'Committed', [1, 0, B, H(1), 1800]), v2Log(MARKET, 'ResultSubmitted', [1, 0, B, H(1), 1800])],
      [v2Log(MARKET, 'Disputed', [1, REQUESTER, 1n]), v2Log(MARKET, 'RoundOpened', [1, 2, 2, RUN_BY - 600, RUN_BY, RUN_BY + 5000])],
    ]);
    expect(planV2(b.all(), input(b, { now: RUN_BY - 700 }))).toEqual([{ kind: 'bid', id: '1', ask: 100_000n }]);
    // The disputed provider holds its slot: it never bids on the verify round, and waits for the verifier.
    expect(planV2(b.all(), input(b, { me: B.toLowerCase(), now: RUN_BY - 700 }, { 1: done(0) }))).toEqual([]);
  });
});
