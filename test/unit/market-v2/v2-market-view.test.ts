/**
 * The v2 views (market-v2/v2-market-view.ts) on books folded from v2 logs read back through
 * the fake chain: what the owner sees of an auction won or lost (the ask, the uniform price),
 * replicas and a slashed cheater, a dispute and its challenge window, the requester's record,
 * the overview's order and the status's own record. Every result is checked against the
 * API schemas, so what the builders send is what the renderer parses.
 */
import { describe, expect, it } from 'vitest';
import { v2MarketJobDetail, v2MarketJobView, v2MarketOverview, v2StatusExtras, type V2ViewOptions } from '../../../electron/agent/market-v2/v2-market-view';
import { CLAIMED_BY_YOU } from '../../../shared/domain/market-evaluation';
import { MarketJobDetailSchema, MarketJobSchema, MarketOverviewSchema, MarketStatusSchema, type MarketStatus } from '../../../shared/domain/market';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { A, award, B, BID_ENDS, bids, C, chainBook, DOC, H, MARKET, OPTIONS, posted, REQUESTER, run, sourceOf } from './v2-view-fixture';

describe('v2 market views: the auction', () => {
  it('while bidding: our ask stands among the lowest asks, the job fits, and it is ours as "claiming"', async () => {
    const { book } = await chainBook([[posted(1)], bids(1)]);
    const view = MarketJobSchema.parse(v2MarketJobView(sourceOf(book, A, BID_ENDS - 3), book.get('1')!, OPTIONS));
    expect(view.v2!.auction).toEqual({ roundNo: 1, round: 'main', bidEndsAt: new Date(BID_ENDS * 1000).toISOString(), bids: 3, lowestAsksMicros: ['100000', '120000', '150000'], ourAskMicros: '100000', pricePaidMicros: null, outcome: 'bidding' });
    expect(view.chainState).toBe('open');
    expect(view.verdict).toEqual({ fits: true, reasons: [], askMicrosPerHour: '100000', deviceId: null });
    expect(view.mine).toMatchObject({ state: 'claiming', askMicrosPerHour: '100000', message: expect.stringContaining('Bid $0.10/h') });
    expect(view.summary?.name).toBe('<b>render</b>');
    // After the window, not yet awarded: still bidding, waiting for the award.
    const late = v2MarketJobView(sourceOf(book, A, BID_ENDS + 5), book.get('1')!, OPTIONS);
    expect(late.mine?.message).toMatch(/waiting for the award/);
  });

  it('asks 0.10 / 0.12 / 0.15: the 0.10 bidder wins and is paid 0.12; the 0.15 bidder sees the auction lost at 0.12', async () => {
    const { book } = await chainBook([[posted(1)], bids(1), award(1)]);
    const won = MarketJobSchema.parse(v2MarketJobView(sourceOf(book, A, BID_ENDS + 5, { runs: { 1: run(0) } }), book.get('1')!, OPTIONS));
    expect(won.v2!.auction).toMatchObject({ ourAskMicros: '100000', pricePaidMicros: '120000', outcome: 'won' });
    expect(won).toMatchObject({ chainState: 'claimed', provider: A, askMicrosPerHour: '120000' });
    expect(won.mine).toMatchObject({ state: 'running', askMicrosPerHour: '120000', localJobId: 'job-1', message: expect.stringMatching(/^Won at \$0\.12\/h: running/) });
    expect(won.verdict.reasons).toEqual([CLAIMED_BY_YOU]);
    expect(won.v2!.ourSlot).toBe('running');
    // The run finished and its digest is kept: committing (the results are still ours to deliver).
    const committing = v2MarketJobView(sourceOf(book, A, BID_ENDS + 5, { runs: { 1: run(0, { outputsDigest: H(7), salt: H(8), seconds: 60 }) } }), book.get('1')!, OPTIONS);
    expect(committing.mine).toMatchObject({ state: 'uploading', outputsDigest: H(7), message: expect.stringMatching(/committing the result/) });

    const lost = v2MarketJobView(sourceOf(book, C, BID_ENDS + 5), book.get('1')!, OPTIONS);
    expect(lost.v2!.auction).toMatchObject({ ourAskMicros: '150000', pricePaidMicros: '120000', outcome: 'lost' });
    expect(lost.mine).toMatchObject({ state: 'lost-to-other', message: 'Lost the auction (our ask $0.15/h): a lower ask won at $0.12/h' });
    expect(lost.verdict.fits).toBe(false);

    const onlooker = v2MarketJobView(sourceOf(book, '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc', BID_ENDS + 5), book.get('1')!, OPTIONS);
    expect(onlooker.v2!.auction!.outcome).toBe('not-bidding');
    expect(onlooker.mine).toBeNull();
  });

  it('our record carries what the ledger keys and measures: the slot index (−round for a lost bid), the device and the run window', async () => {
    const { book } = await chainBook([[posted(1)], bids(1), award(1)]);
    const window = { deviceId: 'cpu', runStartedAt: '2026-01-01T00:00:00.000Z', runEndedAt: '2026-01-01T00:00:05.000Z' };
    const won = v2MarketJobView(sourceOf(book, A, BID_ENDS + 5, { runs: { 1: run(0, window) } }), book.get('1')!, OPTIONS);
    expect(won.mine).toMatchObject({ attempt: 0, ...window });
    const lost = v2MarketJobView(sourceOf(book, B, BID_ENDS + 5), book.get('1')!, OPTIONS);
    expect(lost.mine).toMatchObject({ state: 'lost-to-other', attempt: -1, deviceId: null, runStartedAt: null });
  });

  it('paid: the net payment from the chain event, the escrow gone once settled, the requester credited with an accept', async () => {
    const { book } = await chainBook([
      [posted(1)],
      bids(1),
      award(1),
      [v2Log(MARKET, 'Committed', [1, 0, A, H(9), 1800]), v2Log(MARKET, 'ResultSubmitted', [1, 0, A, H(9), 1800])],
      [v2Log(MARKET, 'SlotPaid', [1, 0, A, 60_000n, 600n]), v2Log(MARKET, 'JobSettled', [1, REQUESTER, 340_000n, true])],
    ]);
    const view = MarketJobSchema.parse(v2MarketJobView(sourceOf(book, A, BID_ENDS + 100), book.get('1')!, OPTIONS));
    expect(view).toMatchObject({ chainState: 'settled', escrowMicros: '0' });
    expect(view.mine).toMatchObject({ state: 'settled', grossMicros: '60000', feeMicros: '600', billedSeconds: 1800, message: 'Paid $0.0594 at $0.12/h' });
    expect(view.v2!.requesterRecord).toEqual({ posted: 1, accepted: 1, disputesWon: 0, disputesLost: 0, refunds: 0 });
    expect(view.v2!.replicas).toEqual({ wanted: 1, committed: 1, revealed: 0, agreed: 0, slashed: 0 });
  });

  it('a fixed-price listing has no auction', async () => {
    const { book } = await chainBook([[posted(2, { bidWindowSeconds: 0 })]]);
    const view = v2MarketJobView(sourceOf(book, A, BID_ENDS), book.get('2')!, OPTIONS);
    expect(view.v2).toMatchObject({ fixedPrice: true, auction: null, rounds: 0 });
  });
});

describe('v2 market views: replicas and disputes', () => {
  it('three replicas, one cheats: two agree, the cheater is slashed and told so', async () => {
    const { book } = await chainBook([
      [posted(5, { bidWindowSeconds: 0, replicas: 3 })],
      [v2Log(MARKET, 'SlotAssigned', [5, 0, A, 200_000n, 0]), v2Log(MARKET, 'SlotAssigned', [5, 1, B, 200_000n, 0]), v2Log(MARKET, 'SlotAssigned', [5, 2, C, 200_000n, 0])],
      [v2Log(MARKET, 'Committed', [5, 0, A, H(1), 60]), v2Log(MARKET, 'Committed', [5, 1, B, H(2), 60]), v2Log(MARKET, 'Committed', [5, 2, C, H(3), 60])],
      [v2Log(MARKET, 'Revealed', [5, 0, A, H(7)]), v2Log(MARKET, 'Revealed', [5, 1, B, H(7)])],
    ]);
    const midway = v2MarketJobView(sourceOf(book, A, BID_ENDS), book.get('5')!, OPTIONS);
    expect(midway.v2!.replicas).toEqual({ wanted: 3, committed: 3, revealed: 2, agreed: 2, slashed: 0 });
    expect(midway.mine).toMatchObject({ state: 'submitted', message: expect.stringMatching(/digest revealed/) });

    const { book: ended } = await chainBook([
      [posted(5, { bidWindowSeconds: 0, replicas: 3 })],
      [v2Log(MARKET, 'SlotAssigned', [5, 0, A, 200_000n, 0]), v2Log(MARKET, 'SlotAssigned', [5, 1, B, 200_000n, 0]), v2Log(MARKET, 'SlotAssigned', [5, 2, C, 200_000n, 0])],
      [v2Log(MARKET, 'Committed', [5, 0, A, H(1), 60]), v2Log(MARKET, 'Committed', [5, 1, B, H(2), 60]), v2Log(MARKET, 'Committed', [5, 2, C, H(3), 60])],
      [v2Log(MARKET, 'Revealed', [5, 0, A, H(7)]), v2Log(MARKET, 'Revealed', [5, 1, B, H(7)]), v2Log(MARKET, 'Revealed', [5, 2, C, H(8)])],
      [v2Log(MARKET, 'SlotPaid', [5, 0, A, 3_333n, 33n]), v2Log(MARKET, 'SlotPaid', [5, 1, B, 3_333n, 33n]), v2Log(MARKET, 'Slashed', [5, 2, C, 5_000_000n]), v2Log(MARKET, 'JobSettled', [5, REQUESTER, 1n, false])],
    ]);
    const cheater = MarketJobSchema.parse(v2MarketJobView(sourceOf(ended, C, BID_ENDS), ended.get('5')!, OPTIONS));
    expect(cheater.v2!.replicas).toEqual({ wanted: 3, committed: 3, revealed: 3, agreed: 2, slashed: 1 });
    expect(cheater.v2!.ourSlot).toBe('slashed');
    expect(cheater.mine).toMatchObject({ state: 'refunded', problem: expect.stringMatching(/slashed/) });
    expect(cheater.v2!.history.filter((s) => s.ours).map((s) => s.what)).toEqual(['We claimed it at $0.20/h', 'We committed a result (60 s billed)', 'We revealed our digest', 'We were slashed $5.00']);
    expect(cheater.v2!.history.at(-1)).toMatchObject({ what: 'Settled', ours: false });
    const status = v2StatusExtras(sourceOf(ended, C, BID_ENDS), OPTIONS);
    expect(status.myRecord).toEqual({ settled: 0, agreed: 0, disputesWon: 0, disputesLost: 0, slashes: 1, releases: 0, billedSeconds: 0, score: -2 });
    expect(v2StatusExtras(sourceOf(ended, A, BID_ENDS), OPTIONS).myRecord).toMatchObject({ settled: 1, agreed: 1, billedSeconds: 60, score: 1 });
  });

  it('a single replica waits out its challenge window (from the commit block), then a dispute opens, then is rejected', async () => {
    const groups = [
      [posted(3, { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'SlotAssigned', [3, 0, A, 200_000n, 0])],
      [v2Log(MARKET, 'Committed', [3, 0, A, H(1), 60]), v2Log(MARKET, 'ResultSubmitted', [3, 0, A, H(1), 60])],
    ];
    const { book, chain } = await chainBook(groups);
    const timed: V2ViewOptions = { ...OPTIONS, challengeWindowSeconds: 120, blockTime: (n) => chain.blocks()[n]?.timestamp };
    const submitted = v2MarketJobView(sourceOf(book, A, BID_ENDS), book.get('3')!, timed);
    const commitBlock = book.get('3')!.events.find((e) => e.kind === 'resultSubmitted')!.blockNumber;
    expect(submitted.v2!.verification).toEqual({ deterministic: true, dispute: 'none', disputeBondMicros: null, challengeEndsAt: new Date((chain.blocks()[commitBlock]!.timestamp + 120) * 1000).toISOString(), redeliveries: 0 });
    expect(submitted.mine?.message).toMatch(/challenge window/);
    // Without the window or block times it is not made up.
    expect(v2MarketJobView(sourceOf(book, A, BID_ENDS), book.get('3')!, OPTIONS).v2!.verification.challengeEndsAt).toBeNull();

    const { book: disputed } = await chainBook([...groups, [v2Log(MARKET, 'Disputed', [3, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [3, 2, 2, 0, 1_700_000_900, 1_700_009_000])]]);
    const open = v2MarketJobView(sourceOf(disputed, A, BID_ENDS), disputed.get('3')!, OPTIONS);
    expect(open.v2!.verification).toMatchObject({ dispute: 'open', disputeBondMicros: '200000' });
    expect(open.mine?.message).toMatch(/disputed our result/);
    // The verifier's round is open to others, never to the disputed provider.
    expect(v2MarketJobView(sourceOf(disputed, B, BID_ENDS), disputed.get('3')!, OPTIONS).verdict.fits).toBe(true);

    const { book: rejected } = await chainBook([
      ...groups,
      [v2Log(MARKET, 'Disputed', [3, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [3, 2, 2, 0, 1_700_000_900, 1_700_009_000])],
      [v2Log(MARKET, 'SlotAssigned', [3, 1, B, 200_000n, 2]), v2Log(MARKET, 'Committed', [3, 1, B, H(2), 70])],
      [v2Log(MARKET, 'Revealed', [3, 0, A, H(5)]), v2Log(MARKET, 'Revealed', [3, 1, B, H(6)])],
      [v2Log(MARKET, 'Slashed', [3, 0, A, 5_000_000n]), v2Log(MARKET, 'SlotPaid', [3, 1, B, 3_888n, 38n]), v2Log(MARKET, 'DisputeResolved', [3, A, false, false]), v2Log(MARKET, 'JobSettled', [3, REQUESTER, 396_112n, false])],
    ]);
    const verifier = v2MarketJobView(sourceOf(rejected, B, BID_ENDS), rejected.get('3')!, OPTIONS);
    expect(verifier.v2!.verification.dispute).toBe('rejected');
    expect(verifier.v2!.requesterRecord).toMatchObject({ disputesWon: 1, disputesLost: 0 });
    expect(verifier.v2!.replicas).toMatchObject({ wanted: 1, slashed: 1 });
    expect(verifier.mine).toMatchObject({ state: 'settled', grossMicros: '3888' });
  });
});

const STATUS: MarketStatus = {
  biddingWanted: true,
  biddingActive: true,
  blocks: [],
  chain: { state: 'online', label: 'Devnet', chainId: 31337, marketAddress: MARKET, isDevnet: true },
  wallet: { address: A, unlocked: true },
  stake: null,
  creditMicros: null,
  indexer: { block: 10, headBlock: 10, syncing: false, lastError: null },
  counts: { open: 0, fitting: 0, active: 0, settled: 0, problems: 0 },
  notices: [],
  updatedAt: '2026-12-07T10:00:00.000Z',
};

describe('v2 market views: the overview, the detail and the status', () => {
  it('lists open jobs fitting first then best paid, ours newest first; counts them; the detail carries the document', async () => {
    const { book } = await chainBook([
      [posted(1, { maxPricePerHour: 150_000n }), posted(2, { maxPricePerHour: 300_000n }), posted(3, { maxPricePerHour: 250_000n })],
      [v2Log(MARKET, 'BidPlaced', [1, A, 100_000n, 1])],
      [posted(4, { bidWindowSeconds: 0 }), v2Log(MARKET, 'SlotAssigned', [4, 0, A, 200_000n, 0])],
    ]);
    const source = sourceOf(book, A, BID_ENDS - 3, { passes: { 2: 'its requester lost 3 disputes (our rule: at most 2)' } });
    const overview = MarketOverviewSchema.parse(v2MarketOverview(source, { ...STATUS, ...v2StatusExtras(source, OPTIONS) }, OPTIONS));
    expect(overview.open.map((j) => [j.chainJobId, j.verdict.fits])).toEqual([['3', true], ['1', true], ['2', false]]);
    expect(overview.open[2]!.verdict.reasons).toEqual(['its requester lost 3 disputes (our rule: at most 2)']);
    expect(overview.openTotal).toBe(3);
    expect(overview.mine.map((j) => [j.chainJobId, j.mine!.state])).toEqual([['4', 'claimed'], ['1', 'claiming']]);
    expect(overview.status).toMatchObject({ marketVersion: 2, counts: { open: 3, fitting: 2, active: 2, settled: 0, problems: 0 } });
    expect(v2MarketOverview(source, STATUS, OPTIONS, 1).open).toHaveLength(1);

    const detail = MarketJobDetailSchema.parse(v2MarketJobDetail(source, '1', OPTIONS));
    expect(detail.uploadUrl).toBe('http://127.0.0.1:9/upload');
    expect(detail.document).toBe(JSON.stringify(JSON.parse(DOC), null, 2));
    expect(v2MarketJobDetail(source, '99', OPTIONS)).toBeNull();
  });

  it('folds the records once per answer, however many jobs it lists', async () => {
    const { book } = await chainBook([[posted(1), posted(2), posted(3)], bids(1), [posted(4, { bidWindowSeconds: 0 })]]);
    const inner = sourceOf(book, A, BID_ENDS - 3);
    let folds = 0;
    const counted = { ...inner, records: () => (folds++, inner.records()) };
    v2MarketOverview(counted, STATUS, OPTIONS);
    expect(folds).toBe(1);
    v2StatusExtras(counted, OPTIONS);
    expect(folds).toBe(2);
  });

  it('without a wallet: no record, nothing is ours; a v1 status (no v2 fields) still parses', async () => {
    const { book } = await chainBook([[posted(1)], bids(1)]);
    const source = sourceOf(book, null, BID_ENDS - 3);
    expect(v2StatusExtras(source, OPTIONS).myRecord).toBeNull();
    expect(v2MarketJobView(source, book.get('1')!, OPTIONS).mine).toBeNull();
    expect(MarketStatusSchema.parse(STATUS)).not.toHaveProperty('marketVersion');
  });

  it('a document that is not a RigShift job is said so and never fits', async () => {
    const { book } = await chainBook([[v2PostedLog(MARKET, 7, REQUESTER, 'not json')]]);
    const view = v2MarketJobView(sourceOf(book, A, BID_ENDS - 3), book.get('7')!, OPTIONS);
    expect(view.documentError).toBe('the posted job is not JSON');
    expect(view.summary).toBeNull();
    expect(view.verdict).toMatchObject({ fits: false, reasons: ['the posted job is not JSON'] });
  });
});
