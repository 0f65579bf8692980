/**
 * The v2 chain side through the in-memory fake chain (no node, no process): logs encoded with
 * the v2 ABI are mined, read back with getLogs, decoded one at a time and folded into the v2
 * book and the records. Hostile logs become invalid items with their reason and never stop
 * the batch they came in.
 */
import { describe, expect, it } from 'vitest';
import { marketV2Interface } from '../../../electron/agent/chain/market-v2-abi';
import { createV2Book, type V2Book } from '../../../electron/agent/market-v2/v2-book';
import { decodeMarketV2Log, V2_EVENT_TOPICS, type V2Event, type V2JobEvent } from '../../../electron/agent/market-v2/v2-events';
import { foldV2Records, reputationScore } from '../../../electron/agent/market-v2/v2-records';
import { createFakeChain, type FakeChain, type FakeLog } from '../../fakes/fake-chain';
import { v2BadRoundLog, v2BadUrlRedeliveryLog, v2GarbledLog, v2Log, v2NoIdLog, v2PostedLog } from '../../fakes/market-v2-logs';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const A = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const B = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const C = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
const D = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc';
const H = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

/** Mines each group as one block, reads everything back through getLogs and decodes it. */
async function scan(chain: FakeChain, groups: FakeLog[][]): Promise<V2Event[]> {
  for (const logs of groups) chain.mine(logs);
  const head = chain.blocks().length - 1;
  const logs = await chain.getLogs({ address: MARKET, topics: [V2_EVENT_TOPICS] }, 0, head);
  return logs.map((l) => decodeMarketV2Log(l)).filter((e): e is V2Event => e !== null);
}
const jobEvents = (events: V2Event[]) => events.filter((e): e is V2JobEvent => 'id' in e);

async function bookOf(groups: FakeLog[][]): Promise<{ book: V2Book; events: V2Event[]; chain: FakeChain }> {
  const chain = createFakeChain();
  const events = await scan(chain, groups);
  const book = createV2Book();
  book.apply(jobEvents(events));
  return { book, events, chain };
}

describe('v2 decoder and book', () => {
  it('folds an auction: asks 0.10, 0.12, 0.15 on one replica, the 0.10 bidder wins at 0.12 and is paid for its seconds', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 1, REQUESTER, '{"kind":"rigshift-job"}', { bidWindowSeconds: 10 })],
      [v2Log(MARKET, 'BidPlaced', [1, B, 120_000n, 1]), v2Log(MARKET, 'BidPlaced', [1, A, 100_000n, 1]), v2Log(MARKET, 'BidPlaced', [1, C, 150_000n, 1])],
      [v2Log(MARKET, 'AuctionClosed', [1, 1, 120_000n, 3]), v2Log(MARKET, 'SlotAssigned', [1, 0, A, 120_000n, 0])],
      [v2Log(MARKET, 'Committed', [1, 0, A, H(9), 1800]), v2Log(MARKET, 'ResultSubmitted', [1, 0, A, H(9), 1800])],
      [v2Log(MARKET, 'SlotPaid', [1, 0, A, 60_000n, 600n]), v2Log(MARKET, 'JobSettled', [1, REQUESTER, 340_000n, true])],
    ]);
    const job = book.get('1')!;
    expect(job.state).toBe('settled');
    expect(job.auctions).toHaveLength(1);
    expect(job.auctions[0]!.bids.map((b) => b.ask)).toEqual([100_000n, 120_000n, 150_000n]);
    expect(job.auctions[0]!.pricePerHour).toBe(120_000n);
    expect(job.auctions[0]!.winners).toEqual([A]);
    expect(job.slots[0]).toMatchObject({ provider: A, state: 'paid', billedSeconds: 1800, gross: 60_000n, pricePerHour: 120_000n });
    expect(job.refund).toBe(340_000n);
    const records = foldV2Records(book.all());
    expect(records.providers.get(A.toLowerCase())).toEqual({ settled: 1, agreed: 0, disputesWon: 0, disputesLost: 0, slashes: 0, releases: 0, billedSeconds: 1800 });
    expect(records.requesters.get(REQUESTER.toLowerCase())).toEqual({ posted: 1, accepted: 1, disputesWon: 0, disputesLost: 0, refunds: 0 });
    expect(records.providers.get(B.toLowerCase())).toBeUndefined();
  });

  it('state follows the rounds: running when filled, submitted, then open again for a dispute\'s verify round', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 2, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [2, 0, A, 200_000n, 0])],
    ]);
    expect(book.get('2')!.state).toBe('running');
    expect(book.get('2')!.auctions).toEqual([]);
    const more = createFakeChain();
    const events = await scan(more, [
      [v2PostedLog(MARKET, 2, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [2, 0, A, 200_000n, 0])],
      [v2Log(MARKET, 'Committed', [2, 0, A, H(1), 60]), v2Log(MARKET, 'ResultSubmitted', [2, 0, A, H(1), 60])],
      [v2Log(MARKET, 'Disputed', [2, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [2, 2, 2, 0, 1_700_000_900, 1_700_009_000])],
    ]);
    const b2 = createV2Book();
    b2.apply(jobEvents(events));
    const job = b2.get('2')!;
    expect(job).toMatchObject({ state: 'open', round: 'verify', roundNo: 2, claimBy: 1_700_000_900, runBy: 1_700_009_000 });
    expect(job.dispute).toEqual({ bond: 200_000n, outcome: 'open' });
    expect(job.slots[0]!.state).toBe('committed');
  });

  it('a rejected dispute: the provider is slashed and loses, the requester wins, the verifier counts a settled run', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 3, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [3, 0, A, 200_000n, 0]), v2Log(MARKET, 'Committed', [3, 0, A, H(1), 60]), v2Log(MARKET, 'ResultSubmitted', [3, 0, A, H(1), 60])],
      [v2Log(MARKET, 'Disputed', [3, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [3, 2, 2, 0, 1_700_000_900, 1_700_009_000])],
      [v2Log(MARKET, 'SlotAssigned', [3, 1, B, 200_000n, 2]), v2Log(MARKET, 'Committed', [3, 1, B, H(2), 70])],
      [v2Log(MARKET, 'Revealed', [3, 0, A, H(5)]), v2Log(MARKET, 'Revealed', [3, 1, B, H(6)])],
      [v2Log(MARKET, 'Slashed', [3, 0, A, 5_000_000n]), v2Log(MARKET, 'SlotPaid', [3, 1, B, 3_888n, 38n]), v2Log(MARKET, 'DisputeResolved', [3, A, false, false]), v2Log(MARKET, 'JobSettled', [3, REQUESTER, 396_112n, false])],
    ]);
    const job = book.get('3')!;
    expect(job.dispute!.outcome).toBe('rejected');
    expect(job.slots.map((s) => [s.provider, s.round, s.state])).toEqual([[A, 'main', 'slashed'], [B, 'verify', 'paid']]);
    const r = foldV2Records(book.all());
    expect(r.providers.get(A.toLowerCase())).toMatchObject({ settled: 0, slashes: 1, disputesLost: 1 });
    expect(reputationScore(r.providers.get(A.toLowerCase())!)).toBe(-4);
    expect(r.providers.get(B.toLowerCase())).toMatchObject({ settled: 1, billedSeconds: 70 });
    expect(r.requesters.get(REQUESTER.toLowerCase())).toMatchObject({ disputesWon: 1, disputesLost: 0, accepted: 0 });
  });

  it('an upheld dispute: the provider wins, and the verifier paid from the bond is outside the records (as _payFrom)', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 4, REQUESTER, '{}', { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [4, 0, A, 200_000n, 0]), v2Log(MARKET, 'Committed', [4, 0, A, H(1), 60]), v2Log(MARKET, 'ResultSubmitted', [4, 0, A, H(1), 60])],
      [v2Log(MARKET, 'Disputed', [4, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [4, 2, 2, 0, 1_700_000_900, 1_700_009_000])],
      [v2Log(MARKET, 'SlotAssigned', [4, 1, B, 200_000n, 2]), v2Log(MARKET, 'Committed', [4, 1, B, H(2), 70])],
      [v2Log(MARKET, 'Revealed', [4, 0, A, H(5)]), v2Log(MARKET, 'Revealed', [4, 1, B, H(5)])],
      [v2Log(MARKET, 'SlotPaid', [4, 0, A, 3_333n, 33n]), v2Log(MARKET, 'SlotPaid', [4, 1, B, 3_888n, 38n]), v2Log(MARKET, 'DisputeResolved', [4, A, true, false]), v2Log(MARKET, 'JobSettled', [4, REQUESTER, 0n, false])],
    ]);
    const r = foldV2Records(book.all());
    expect(r.providers.get(A.toLowerCase())).toMatchObject({ settled: 1, disputesWon: 1, billedSeconds: 60 });
    expect(r.providers.get(B.toLowerCase())).toBeUndefined();
    expect(r.requesters.get(REQUESTER.toLowerCase())).toMatchObject({ disputesLost: 1 });
  });

  it('replicas: the two that agree are paid and counted as agreed, the cheater is slashed', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 5, REQUESTER, '{}', { bidWindowSeconds: 0, replicas: 3 })],
      [v2Log(MARKET, 'SlotAssigned', [5, 0, A, 200_000n, 0]), v2Log(MARKET, 'SlotAssigned', [5, 1, B, 200_000n, 0])],
      [v2Log(MARKET, 'SlotAssigned', [5, 2, C, 200_000n, 0])],
      [v2Log(MARKET, 'Committed', [5, 0, A, H(1), 60]), v2Log(MARKET, 'Committed', [5, 1, B, H(2), 60]), v2Log(MARKET, 'Committed', [5, 2, C, H(3), 60])],
      [v2Log(MARKET, 'Revealed', [5, 0, A, H(7)]), v2Log(MARKET, 'Revealed', [5, 1, B, H(7)]), v2Log(MARKET, 'Revealed', [5, 2, C, H(8)])],
      [v2Log(MARKET, 'SlotPaid', [5, 0, A, 3_333n, 33n]), v2Log(MARKET, 'SlotPaid', [5, 1, B, 3_333n, 33n]), v2Log(MARKET, 'Slashed', [5, 2, C, 5_000_000n]), v2Log(MARKET, 'JobSettled', [5, REQUESTER, 1n, false])],
    ]);
    const job = book.get('5')!;
    expect(job.slots.map((s) => s.state)).toEqual(['paid', 'paid', 'slashed']);
    expect(job.slots.map((s) => s.outputsDigest)).toEqual([H(7), H(7), H(8)]);
    const r = foldV2Records(book.all());
    expect(r.providers.get(A.toLowerCase())).toMatchObject({ settled: 1, agreed: 1 });
    expect(r.providers.get(C.toLowerCase())).toMatchObject({ settled: 0, agreed: 0, slashes: 1 });
  });

  it('a release with nothing to show counts a release; a refund counts for the requester; redelivery URLs are kept', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 6, REQUESTER, '{}', { bidWindowSeconds: 0, preemptible: true, deterministic: false })],
      [v2Log(MARKET, 'SlotAssigned', [6, 0, D, 200_000n, 0])],
      [v2Log(MARKET, 'Released', [6, 0, D, 0, H(0)]), v2Log(MARKET, 'JobRefunded', [6, REQUESTER, 400_000n])],
      [v2Log(MARKET, 'RedeliveryRequested', [6, REQUESTER, 'http://127.0.0.1:9000/again'])],
    ]);
    const job = book.get('6')!;
    expect(job).toMatchObject({ state: 'refunded', refund: 400_000n, redeliveries: ['http://127.0.0.1:9000/again'] });
    expect(job.slots[0]!.state).toBe('released');
    const r = foldV2Records(book.all());
    expect(r.providers.get(D.toLowerCase())).toMatchObject({ releases: 1, settled: 0 });
    expect(r.requesters.get(REQUESTER.toLowerCase())).toMatchObject({ refunds: 1, posted: 1 });
  });

  it('hostile logs become invalid items with their reason; the rest of the batch decodes', async () => {
    const chain = createFakeChain();
    const events = await scan(chain, [
      [
        v2PostedLog(MARKET, 7, REQUESTER, Uint8Array.from([0x7b, 0x80, 0xff, 0x7d])),
        v2GarbledLog(MARKET, 'JobPosted', 8),
        v2PostedLog(MARKET, 9, REQUESTER, 'x'.repeat(129 * 1024)),
        v2BadRoundLog(MARKET, 7, A),
        v2BadUrlRedeliveryLog(MARKET, 7, REQUESTER),
        v2Log(MARKET, 'RedeliveryRequested', [7, REQUESTER, 'file:///etc/passwd']),
        v2GarbledLog(MARKET, 'SlotPaid', 7),
        v2NoIdLog(MARKET),
        v2Log(MARKET, 'StakeDeposited', [A, 5_000_000n]),
        v2PostedLog(MARKET, 10, REQUESTER, '{"ok":true}'),
      ],
    ]);
    const byKind = events.map((e) => e.kind);
    expect(byKind).toEqual(['posted', 'invalid', 'posted', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'stakeDeposited', 'posted']);
    const reasons = events.flatMap((e) => (e.kind === 'invalid' ? [`${e.event}: ${e.reason}`] : []));
    expect(reasons[0]).toMatch(/^JobPosted: the JobPosted log could not be decoded/);
    expect(reasons[1]).toMatch(/^SlotAssigned: .*unknown market v2 round 7/);
    expect(reasons[2]).toMatch(/^RedeliveryRequested: .*not valid UTF-8/);
    expect(reasons[3]).toMatch(/^RedeliveryRequested: .*not an http\(s\) URL/);
    expect(reasons[4]).toMatch(/^SlotPaid: the SlotPaid log could not be decoded/);
    expect(reasons[5]).toBe('JobSettled: the JobSettled log has no job id');
    const posted = events.filter((e) => e.kind === 'posted');
    expect(posted.map((p) => p.kind === 'posted' && p.specError)).toEqual(['the posted spec is not valid UTF-8 text', 'the posted spec is 129 KiB; the limit is 128 KiB', null]);
    const book = createV2Book();
    book.apply(jobEvents(events));
    expect(book.get('7')!.invalid).toHaveLength(4);
    expect(book.get('7')!.slots).toEqual([]);
    expect(book.get('8')).toBeUndefined();
    expect(book.get('10')!.spec).toBe('{"ok":true}');
  });

  it('dedupes logs and rewinds: events above the rewind block are dropped and the job folds again', async () => {
    const { book, events, chain } = await bookOf([
      [v2PostedLog(MARKET, 11, REQUESTER, '{}')],
      [v2Log(MARKET, 'BidPlaced', [11, A, 100_000n, 1])],
      [v2Log(MARKET, 'AuctionClosed', [11, 1, 200_000n, 1]), v2Log(MARKET, 'SlotAssigned', [11, 0, A, 200_000n, 0])],
    ]);
    expect(book.apply(jobEvents(events)).size).toBe(0);
    expect(book.get('11')!.events).toHaveLength(4);
    expect(book.get('11')!.state).toBe('running');
    const changed = book.rewindTo(chain.blocks().length - 2);
    expect([...changed]).toEqual(['11']);
    expect(book.get('11')).toMatchObject({ state: 'open' });
    expect(book.get('11')!.auctions[0]!.pricePerHour).toBeNull();
    book.rewindTo(0);
    expect(book.get('11')).toBeUndefined();
  });

  it('every v2 event topic is scanned', () => {
    const names: string[] = [];
    marketV2Interface.forEachEvent((e) => names.push(e.name));
    expect(V2_EVENT_TOPICS).toHaveLength(names.length);
    expect(names.length).toBe(21);
  });
});
