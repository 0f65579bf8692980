/**
 * Market prices (issue 12, item 3): the cost of the price history on a busy market. A book of
 * `jobs` awarded v2 jobs (folded from decoded logs, each with its own job document) over the
 * real SQLite store in a temporary folder: the first fold (every document parsed once, a
 * transaction per job), a book change naming one job (what each event log update costs), a
 * full pass with nothing changed (start, reset), and getMarketPrices over a week of awards.
 */
import { join } from 'node:path';
import { createMarketPriceHistory } from '../../electron/agent/market-prices/market-price-history';
import { openSqlitePriceStore } from '../../electron/agent/market-prices/sqlite-price-store';
import type { V2BookJob } from '../../electron/agent/market-v2/v2-book';
import type { GpuDetection } from '../../shared/domain/gpu';
import { v2Log, v2PostedLog } from '../fakes/market-v2-logs';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { A, bookOf, documentFor, MARKET, REQUESTER } from '../unit/market-prices/price-fixtures';
import { type BenchFigure, median, round } from './figure';

const T0 = 1_700_000_000;

async function timed(runs: number, f: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function measureMarketPriceFigures(jobs = 5_000): Promise<BenchFigure[]> {
  // One awarded job folded from real logs, copied with its own id, block, price and requester.
  const { book } = await bookOf([
    [v2PostedLog(MARKET, 1, REQUESTER, documentFor(1, 12_000)), v2Log(MARKET, 'BidPlaced', [1, A, 100_000n, 1])],
    [v2Log(MARKET, 'AuctionClosed', [1, 1, 100_000n, 1]), v2Log(MARKET, 'SlotAssigned', [1, 0, A, 100_000n, 0])],
  ]);
  const base = book.get('1')!;
  const all: V2BookJob[] = Array.from({ length: jobs }, (_, i) => ({
    ...base,
    id: String(i + 1),
    requester: `0x${(i % 97).toString(16).padStart(40, '0')}`,
    specHash: `0x${i.toString(16).padStart(64, '0')}`,
    slots: base.slots.map((s) => ({ ...s, assignedBlock: 10 + i })),
    auctions: base.auctions.map((a) => ({ ...a, pricePerHour: 50_000n + BigInt(i % 500) * 1_000n })),
  }));
  const byId = new Map(all.map((j) => [j.id, j]));
  const dir = tempDir('rigshift-bench-prices-');
  const store = openSqlitePriceStore(join(dir.path, 'market-prices.sqlite'), { logger: recordingLogger().logger, now: () => new Date() });
  try {
    const history = createMarketPriceHistory({
      store,
      // Two awards a minute: 5,000 awards span about 42 hours, all inside the week.
      source: { jobs: () => all, job: (id) => byId.get(id), chainTime: () => T0 + jobs * 30, chainId: () => 31337 },
      clock: { now: () => new Date() },
      blockTime: async (n) => T0 + (n - 10) * 30,
      detection: () => ({ gpus: [{ vramMiB: 24_564 }] }) as unknown as GpuDetection,
    });
    const first = await timed(1, () => history.update());
    const oneJob = await timed(15, () => history.update(['17']));
    const fullPass = await timed(7, () => history.update());
    const answer = await timed(7, () => history.prices());
    if (history.prices().week.count !== jobs) throw new Error(`expected ${jobs} awards in the week, got ${history.prices().week.count}`);
    return [
      { name: `market prices: first fold of ${jobs} awarded jobs (parse + store)`, value: round(first / 1000, 2), unit: 's', target: 10, better: 'lower' },
      { name: 'market prices: one book change (one job named)', value: round(oneJob, 2), unit: 'ms', target: 5, better: 'lower' },
      { name: `market prices: full pass, ${jobs} jobs, nothing changed`, value: round(fullPass, 1), unit: 'ms', target: 250, better: 'lower' },
      { name: `market prices: getMarketPrices over ${jobs} awards in 7 days`, value: round(answer, 1), unit: 'ms', target: 100, better: 'lower' },
    ];
  } finally {
    store.close();
    dir.cleanup();
  }
}
