/**
 * The awarded prices seen on chain, kept by hardware class (issue 12, item 3). The v2 feature
 * builds one with createMarketPriceHistory and calls `update()` on each book change and
 * `rewindTo(block)` when its book rewinds; `handlers.getMarketPrices` answers the API.
 *
 * update() folds every job in the book (price-points.ts), asks the chain for the time of
 * each new award's block once, and writes a job's points only when they changed, so a book
 * change costs a write per changed job. The store keeps the points after the book compacts
 * a settled job away, and prunes them after 8 days.
 */
import type { GpuDetection } from '../../../shared/domain/gpu';
import {
  classesForCard,
  type HardwareClass,
  type MarketPrices,
  marketPricesOf,
  noMarketPrices,
  WEEK_SECONDS,
} from '../../../shared/domain/market-prices';
import type { V2BookJob } from '../market-v2/v2-book';
import type { Clock, Logger } from '../ports';
import { awardsOf, hardwareClassOfJob } from './price-points';
import { PRICE_RETENTION_SECONDS, type PricePoint, type PricePointStore } from './price-store';

/** The part of V2MarketSource (market-v2/v2-market-source.ts) the history reads. */
export interface PriceSource {
  jobs(): Iterable<V2BookJob>;
  chainTime(): number;
  chainId(): number;
}

export interface MarketPriceHistoryDeps {
  store: PricePointStore;
  /** The v2 market, or a getter that gives null while there is none (v1, no chain yet). */
  source: PriceSource | (() => PriceSource | null);
  clock: Clock;
  /** A block's timestamp (unix seconds), null when the chain does not have it (yet). */
  blockTime(block: number): Promise<number | null>;
  /** The machine's GPUs (their VRAM decides "jobs for this card"). */
  detection(): GpuDetection | null;
  /** Which market the points belong to; default `v2:<chain id>` (pass marketKeyOf(network)). */
  marketKey?: () => string;
  /** Points were added or removed (emit `marketPricesUpdated`). */
  onChange?: (points: number) => void;
  logger?: Logger;
}

export interface MarketPriceHistory {
  /** Folds the book into the store; calls while one runs are coalesced into one more run. */
  update(): Promise<void>;
  /** The book dropped events above `block`: so do the points. */
  rewindTo(block: number): void;
  prices(): MarketPrices;
  handlers: { getMarketPrices: () => Promise<MarketPrices> };
}

const NO_V2 = 'No market data yet: prices are read from v2 market auctions, and this chain has no v2 market.';

/** The classes of the machine's largest card (a job takes one GPU); CPU only without a GPU. */
export function machineClasses(detection: GpuDetection | null): HardwareClass[] {
  const gpus = detection?.gpus ?? [];
  if (gpus.length === 0) return classesForCard(null, false);
  const known = gpus.map((g) => g.vramMiB).filter((v): v is number => v !== null);
  return classesForCard(known.length ? Math.max(...known) : null, true);
}

const signatureOf = (points: readonly Omit<PricePoint, 'time'>[]) =>
  points.map((p) => `${p.roundNo}:${p.block}:${p.microsPerHour}:${p.hardwareClass}:${p.kind}`).join('|');

export function createMarketPriceHistory(deps: MarketPriceHistoryDeps): MarketPriceHistory {
  const sourceNow = (): PriceSource | null => (typeof deps.source === 'function' ? deps.source() : deps.source);
  const marketOf = (source: PriceSource) => deps.marketKey?.() ?? `v2:${source.chainId()}`;
  const nowOf = (source: PriceSource | null) => {
    const chain = source?.chainTime() ?? 0;
    return chain > 0 ? chain : Math.floor(deps.clock.now().getTime() / 1000);
  };
  /** What was last written per job ("market/job" -> signature): unchanged jobs are skipped. */
  const written = new Map<string, string>();
  /** Class per job and spec hash: a document is parsed once. */
  let classes = new Map<string, HardwareClass | null>();
  const blockTimes = new Map<number, number>();
  let unclassified = 0;
  let running: Promise<void> | null = null;
  let again = false;

  const timeOf = async (block: number): Promise<number | null> => {
    const known = blockTimes.get(block);
    if (known !== undefined) return known;
    const time = await deps.blockTime(block);
    if (time !== null) {
      if (blockTimes.size > 10_000) blockTimes.clear();
      blockTimes.set(block, time);
    }
    return time;
  };

  async function once(): Promise<void> {
    const source = sourceNow();
    if (!source) return;
    const market = marketOf(source);
    const nextClasses = new Map<string, HardwareClass | null>();
    let changed = 0;
    let noClass = 0;
    for (const job of [...source.jobs()]) {
      const awards = awardsOf(job);
      const classKey = `${job.id}:${job.specHash}`;
      const hardwareClass = awards.length === 0 ? null : (classes.get(classKey) ?? (classes.has(classKey) ? null : hardwareClassOfJob(job)));
      if (awards.length > 0) nextClasses.set(classKey, hardwareClass);
      if (awards.length > 0 && hardwareClass === null) noClass++;
      const points = hardwareClass === null ? [] : awards.map((a) => ({ ...a, market, hardwareClass }));
      const key = `${market}\u0000${job.id}`;
      const signature = signatureOf(points);
      const before = written.get(key);
      if (before === signature) continue;
      try {
        const timed: PricePoint[] = [];
        for (const p of points) {
          const time = await timeOf(p.block);
          if (time === null) throw new Error(`block ${p.block} has no timestamp yet`);
          timed.push({ ...p, time });
        }
        deps.store.replaceJob(market, job.id, timed);
        written.set(key, signature);
        if (points.length > 0 || (before !== undefined && before !== '')) changed++;
      } catch (error) {
        // Left unwritten: the next update tries this job again.
        deps.logger?.warn('market prices: an award could not be recorded yet', { jobId: job.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    classes = nextClasses;
    unclassified = noClass;
    const pruned = deps.store.pruneBefore(nowOf(source) - PRICE_RETENTION_SECONDS);
    if (changed + pruned > 0) deps.onChange?.(changed + pruned);
  }

  const update = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await once();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const prices = (): MarketPrices => {
    const source = sourceNow();
    const machine = machineClasses(deps.detection());
    const now = nowOf(source);
    if (!source) return noMarketPrices(machine, now, NO_V2);
    const points = deps.store.list(marketOf(source), now - WEEK_SECONDS);
    return marketPricesOf(points, { classes: machine, now, unclassified });
  };

  return {
    update,
    rewindTo(block) {
      const source = sourceNow();
      if (!source) return;
      const removed = deps.store.removeAbove(marketOf(source), block);
      // Every job is compared with the store again on the next update.
      written.clear();
      if (removed > 0) deps.onChange?.(removed);
    },
    prices,
    handlers: { getMarketPrices: async () => prices() },
  };
}
