/**
 * The price history (market-prices/market-price-history.ts) over a fake store and books
 * folded from v2 logs on the fake chain: awards kept by class with their block's time, this
 * card's classes, idempotent re-reads, rewinds, a compacted book, pruning, unusable documents
 * counted, no v2 market answered in words, and a block time that is not there yet retried.
 */
import { describe, expect, it } from 'vitest';
import { createMarketPriceHistory, type PriceSource } from '../../../electron/agent/market-prices/market-price-history';
import type { V2BookJob } from '../../../electron/agent/market-v2/v2-book';
import type { GpuDetection } from '../../../shared/domain/gpu';
import { fakePriceStore } from '../../fakes/fake-price-store';
import { type FakeLog } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { A, bookOf, documentFor, eventsOf, MARKET, REQUESTER } from './price-fixtures';

const T0 = 1_700_000_000;
const card = (vramMiB: number | null): GpuDetection => ({ gpus: vramMiB === null ? [] : [{ vramMiB }] }) as unknown as GpuDetection;

/** A job posted with `doc` and awarded at `price` by auction, in two blocks. */
const auctioned = (id: number, doc: string, price: bigint): FakeLog[][] => [
  [v2PostedLog(MARKET, id, REQUESTER, doc), v2Log(MARKET, 'BidPlaced', [id, A, price, 1])],
  [v2Log(MARKET, 'AuctionClosed', [id, 1, price, 1]), v2Log(MARKET, 'SlotAssigned', [id, 0, A, price, 0])],
];

function sourceOf(jobs: () => Iterable<V2BookJob>, chainTime: () => number): PriceSource {
  return { jobs, chainTime, chainId: () => 31337 };
}

async function setup(groups: FakeLog[][], times: number[], vramMiB: number | null = 24_564) {
  const { book, chain } = await bookOf(groups, times);
  const store = fakePriceStore();
  const changes: number[] = [];
  let now = times[times.length - 1] ?? T0;
  const blockTimeCalls: number[] = [];
  const history = createMarketPriceHistory({
    store,
    source: sourceOf(() => book.all(), () => now),
    clock: { now: () => new Date(0) },
    blockTime: async (n) => {
      blockTimeCalls.push(n);
      return (await chain.block(n))?.timestamp ?? null;
    },
    detection: () => card(vramMiB),
    onChange: (n) => changes.push(n),
  });
  return { book, chain, store, history, changes, blockTimeCalls, setNow: (t: number) => (now = t) };
}

describe('the market price history', () => {
  it('an update naming no job (a log update that brought only a token transfer) does not stop later updates', async () => {
    const { store, history } = await setup(auctioned(1, documentFor(1, 8_000), 100_000n), [T0, T0 + 10]);
    await history.update();
    await history.update([]);
    await history.update(new Set<string>());
    // The store loses the points (a rewind to block 0): the next full pass writes them again.
    history.rewindTo(0);
    expect(store.all()).toEqual([]);
    await history.update();
    expect(store.all().map((p) => p.jobId)).toEqual(['1']);
  });

  it('keeps each award with its block time and class, and answers median and range for the classes this card runs', async () => {
    const groups = [
      ...auctioned(1, documentFor(1, 8_000), 100_000n),
      ...auctioned(2, documentFor(1, 12_000), 140_000n),
      ...auctioned(3, documentFor(1, 24_000), 300_000n),
      ...auctioned(4, documentFor(1, 40_000), 900_000n),
      ...auctioned(5, documentFor(0, 0), 20_000n),
    ];
    // Jobs 1 and 2 were awarded 2 days ago, 3, 4, 5 in the last hour.
    const times = [T0, T0 + 10, T0 + 20, T0 + 30, T0 + 2 * 86_400, T0 + 2 * 86_400 + 10, T0 + 2 * 86_400 + 20, T0 + 2 * 86_400 + 30, T0 + 2 * 86_400 + 40, T0 + 2 * 86_400 + 50];
    const { store, history, changes } = await setup(groups, times);
    await history.update();
    expect(store.all().map((p) => [p.jobId, p.hardwareClass, p.microsPerHour, p.time])).toEqual([
      ['1', 'gpu-8', 100_000n, T0 + 10],
      ['2', 'gpu-12', 140_000n, T0 + 30],
      ['3', 'gpu-24', 300_000n, T0 + 2 * 86_400 + 10],
      ['4', 'gpu-48', 900_000n, T0 + 2 * 86_400 + 30],
      ['5', 'cpu', 20_000n, T0 + 2 * 86_400 + 50],
    ]);
    expect(changes).toEqual([5]);
    const prices = await history.handlers.getMarketPrices();
    // A 24 GB card runs the 8, 12, 16 and 24 GB classes: not the 48 GB job, not the CPU job.
    expect(prices.classes).toEqual(['gpu-8', 'gpu-12', 'gpu-16', 'gpu-24']);
    expect(prices.status).toBe('ok');
    expect(prices.week).toEqual({ count: 3, medianMicros: '140000', minMicros: '100000', maxMicros: '300000', requesters: 1, topRequesterAwards: 3 });
    expect(prices.day).toEqual({ count: 1, medianMicros: '300000', minMicros: '300000', maxMicros: '300000', requesters: 1, topRequesterAwards: 1 });
    expect(prices.hourly).toEqual([
      { hourStart: Math.floor((T0 + 10) / 3600) * 3600, count: 2, medianMicros: '100000', minMicros: '100000', maxMicros: '140000' },
      { hourStart: Math.floor((T0 + 2 * 86_400 + 10) / 3600) * 3600, count: 1, medianMicros: '300000', minMicros: '300000', maxMicros: '300000' },
    ]);
  });

  it('prices a machine without a GPU by CPU jobs, and a 12 GB card by the 8 and 12 GB classes', async () => {
    const groups = [...auctioned(1, documentFor(1, 8_000), 100_000n), ...auctioned(2, documentFor(0, 0), 20_000n), ...auctioned(3, documentFor(1, 16_000), 200_000n)];
    const cpu = await setup(groups, [], null);
    await cpu.history.update();
    expect(cpu.history.prices()).toMatchObject({ classes: ['cpu'], week: { count: 1, medianMicros: '20000' } });
    const small = await setup(groups, [], 12_282);
    await small.history.update();
    expect(small.history.prices()).toMatchObject({ classes: ['gpu-8', 'gpu-12'], week: { count: 1, medianMicros: '100000' } });
  });

  it('writes nothing again for an unchanged book, and asks the chain for a block\'s time once', async () => {
    const { store, history, changes, blockTimeCalls } = await setup([...auctioned(1, documentFor(1, 8_000), 100_000n)], []);
    await history.update();
    const writes = store.writes;
    await history.update();
    await history.update();
    expect(store.writes).toBe(writes);
    expect(changes).toEqual([1]);
    expect(blockTimeCalls).toEqual([2]);
  });

  it('does not double count when a restart reads the chain again into the same store', async () => {
    const groups = [...auctioned(1, documentFor(1, 8_000), 100_000n), ...auctioned(2, documentFor(1, 8_000), 120_000n)];
    const first = await setup(groups, []);
    await first.history.update();
    const again = createMarketPriceHistory({
      store: first.store,
      source: sourceOf(() => first.book.all(), () => T0 + 100),
      clock: { now: () => new Date(0) },
      blockTime: async (n) => (await first.chain.block(n))?.timestamp ?? null,
      detection: () => card(8_188),
    });
    await again.update();
    expect(first.store.all()).toHaveLength(2);
    expect(again.prices().week.count).toBe(2);
  });

  it('keeps what a settled job paid after the book compacts it away', async () => {
    const { book, store, history } = await setup([...auctioned(1, documentFor(1, 8_000), 100_000n)], []);
    await history.update();
    const kept = [...book.all()].filter((j) => j.id !== '1');
    const compacted = createMarketPriceHistory({
      store,
      source: sourceOf(() => kept, () => T0 + 100),
      clock: { now: () => new Date(0) },
      blockTime: async () => T0,
      detection: () => card(8_188),
    });
    await compacted.update();
    expect(compacted.prices().week.count).toBe(1);
  });

  it('drops the points above a rewind, and an award a reorg took away on the next update', async () => {
    const groups = [...auctioned(1, documentFor(1, 8_000), 100_000n), ...auctioned(2, documentFor(1, 8_000), 120_000n)];
    const { book, store, history, changes, blockTimeCalls } = await setup(groups, []);
    await history.update();
    history.rewindTo(3);
    expect(store.all().map((p) => p.jobId)).toEqual(['1']);
    expect(changes).toEqual([2, 1]);
    // The book still holds job 2: the next update writes it again, asking its (new) block's time.
    await history.update();
    expect(store.all().map((p) => p.jobId)).toEqual(['1', '2']);
    expect(blockTimeCalls).toEqual([2, 4, 2, 4]);
    // A job still in the book whose award a reorg took away loses its point on the next update.
    book.rewindTo(3);
    await history.update();
    expect(store.all().map((p) => p.jobId)).toEqual(['1']);
    // A job gone from the book altogether goes when the rewind's changed ids are passed on.
    await history.update(book.rewindTo(1));
    expect(store.all()).toEqual([]);
  });

  it('drops the points of a job a rewind took out of the book altogether, when the change names it', async () => {
    const [post, award] = auctioned(2, documentFor(1, 8_000), 120_000n);
    const { book, store, history, changes } = await setup([...auctioned(1, documentFor(1, 8_000), 100_000n), [...post!, ...award!]], []);
    await history.update();
    expect(store.all().map((p) => p.jobId)).toEqual(['1', '2']);
    const changed = book.rewindTo(2);
    expect([...changed]).toEqual(['2']);
    expect(book.get('2')).toBeUndefined();
    await history.update(changed);
    expect(store.all().map((p) => p.jobId)).toEqual(['1']);
    expect(changes).toEqual([2, 1]);
  });

  it('counts awarded jobs whose document is unusable and leaves them out of every figure', async () => {
    const groups = [...auctioned(1, 'not a job', 100_000n), ...auctioned(2, documentFor(1, 8_000), 120_000n), ...auctioned(3, '{}', 5n)];
    const { store, history } = await setup(groups, []);
    await history.update();
    expect(store.all().map((p) => p.jobId)).toEqual(['2']);
    expect(history.prices()).toMatchObject({ unclassified: 2, week: { count: 1, medianMicros: '120000' } });
  });

  it('prunes points older than 8 days, and leaves points older than 7 days out of the week', async () => {
    const groups = [...auctioned(1, documentFor(1, 8_000), 100_000n), ...auctioned(2, documentFor(1, 8_000), 120_000n)];
    const { store, history, setNow } = await setup(groups, [T0, T0, T0 + 7.5 * 86_400, T0 + 7.5 * 86_400]);
    setNow(T0 + 7.5 * 86_400);
    await history.update();
    expect(store.all()).toHaveLength(2);
    expect(history.prices().week).toMatchObject({ count: 1, medianMicros: '120000' });
    setNow(T0 + 8.5 * 86_400);
    await history.update();
    expect(store.all().map((p) => p.jobId)).toEqual(['2']);
  });

  it('retries an award whose block has no time yet on the next update', async () => {
    const { book, chain } = await bookOf([...auctioned(1, documentFor(1, 8_000), 100_000n)]);
    const store = fakePriceStore();
    let known = false;
    const history = createMarketPriceHistory({
      store,
      source: sourceOf(() => book.all(), () => T0 + 10),
      clock: { now: () => new Date(0) },
      blockTime: async (n) => (known ? ((await chain.block(n))?.timestamp ?? null) : null),
      detection: () => card(8_188),
    });
    await history.update();
    expect(store.all()).toEqual([]);
    known = true;
    await history.update();
    expect(store.all()).toHaveLength(1);
  });

  it('answers "no market data yet" without a v2 market, and with one that has no award', async () => {
    const none = createMarketPriceHistory({ store: fakePriceStore(), source: () => null, clock: { now: () => new Date(T0 * 1000) }, blockTime: async () => null, detection: () => card(8_188) });
    await none.update();
    const answer = await none.handlers.getMarketPrices();
    expect(answer).toMatchObject({ status: 'none', asOf: T0, week: { count: 0, medianMicros: null } });
    expect(answer.message).toMatch(/no v2 market/);
    const empty = await setup([[v2PostedLog(MARKET, 1, REQUESTER, documentFor(1, 8_000))]], []);
    await empty.history.update();
    expect(empty.history.prices()).toMatchObject({ status: 'none', message: expect.stringMatching(/^No market data yet/) });
  });

  it('runs one update at a time and folds the calls made meanwhile into one more run', async () => {
    const { book, chain } = await bookOf([...auctioned(1, documentFor(1, 8_000), 100_000n)]);
    const store = fakePriceStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const history = createMarketPriceHistory({
      store,
      source: sourceOf(() => book.all(), () => T0 + 10),
      clock: { now: () => new Date(0) },
      blockTime: async (n) => {
        calls++;
        await gate;
        return (await chain.block(n))?.timestamp ?? null;
      },
      detection: () => card(8_188),
    });
    const first = history.update();
    const second = history.update();
    const third = history.update();
    release();
    await Promise.all([first, second, third]);
    expect(calls).toBe(1);
    expect(store.all().map((p) => p.jobId)).toEqual(['1']);
  });

  it('reads only the jobs a book change names, after one full pass at start', async () => {
    const groups = [...auctioned(1, documentFor(1, 8_000), 100_000n)];
    const { book, chain } = await bookOf(groups);
    const store = fakePriceStore();
    const asked: string[] = [];
    let scans = 0;
    const history = createMarketPriceHistory({
      store,
      source: {
        jobs: () => {
          scans++;
          return book.all();
        },
        job: (id) => {
          asked.push(id);
          return book.get(id);
        },
        chainTime: () => T0 + 100,
        chainId: () => 31337,
      },
      clock: { now: () => new Date(0) },
      blockTime: async (n) => (await chain.block(n))?.timestamp ?? null,
      detection: () => card(8_188),
    });
    await history.update(['1']);
    expect(scans).toBe(1);
    chain.mine([v2PostedLog(MARKET, 2, REQUESTER, documentFor(1, 8_000), { bidWindowSeconds: 0 })]);
    chain.mine([v2Log(MARKET, 'SlotAssigned', [2, 0, A, 80_000n, 0])]);
    const changed = book.apply(await eventsOf(chain));
    await history.update(changed);
    expect(scans).toBe(1);
    expect(asked).toEqual(['2']);
    expect(store.all().map((p) => [p.jobId, p.microsPerHour, p.kind])).toEqual([
      ['1', 100_000n, 'auction'],
      ['2', 80_000n, 'fixed'],
    ]);
    // After a rewind the next update compares every job again.
    history.rewindTo(0);
    await history.update([]);
    expect(scans).toBe(2);
    expect(store.all()).toHaveLength(2);
  });
});
