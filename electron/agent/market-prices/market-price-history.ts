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
  /** One job of the book (V2MarketSource has it): an update of named jobs reads only those. */
  job?(id: string): V2BookJob | undefined;
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
  /**
   * Folds the book into the store: the jobs named (the ids a book change touched, as
   * V2Book.apply and rewindTo return them), or every job when none are named (at start, after
   * a reset). A named job the book no longer has was rewound away and loses its points: never
   * name the jobs a compaction drops (what they paid stays).
   * Calls while one runs are gathered into one more run. Never rejects: a store failure is
   * logged and retried with the next call.
   */
  update(changedIds?: Iterable<string>): Promise<void>;
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
  points.map((p) => `${p.roundNo}:${p.block}:${p.microsPerHour}:${p.hardwareClass}:${p.kind}:${p.requester}`).join('|');

export function createMarketPriceHistory(deps: MarketPriceHistoryDeps): MarketPriceHistory {
  const sourceNow = (): PriceSource | null => (typeof deps.source === 'function' ? deps.source() : deps.source);
  const marketOf = (source: PriceSource) => deps.marketKey?.() ?? `v2:${source.chainId()}`;
  const nowOf = (source: PriceSource | null) => {
    const chain = source?.chainTime() ?? 0;
    return chain > 0 ? chain : Math.floor(deps.clock.now().getTime() / 1000);
  };
  /** What was last written per job ("market/job" -> signature): unchanged jobs are skipped. */
  const written = new Map<string, string>();
  /** Class per job, with the spec hash it was read from: a document is parsed once. */
  const classes = new Map<string, { specHash: string; hardwareClass: HardwareClass | null }>();
  /** Awarded jobs whose document has no class ("market/job"). */
  const noClass = new Set<string>();
  /** Block times by "market/block" (block numbers of two chains collide). */
  const blockTimes = new Map<string, number>();
  let running: Promise<void> | null = null;
  let pendingFull = true;
  const pendingIds = new Set<string>();

  const timeOf = async (market: string, block: number): Promise<number | null> => {
    const key = `${market}\u0000${block}`;
    const known = blockTimes.get(key);
    if (known !== undefined) return known;
    const time = await deps.blockTime(block);
    if (time !== null) {
      if (blockTimes.size > 10_000) blockTimes.clear();
      blockTimes.set(key, time);
    }
    return time;
  };

  const classOf = (key: string, job: V2BookJob): HardwareClass | null => {
    const cached = classes.get(key);
    if (cached && cached.specHash === job.specHash) return cached.hardwareClass;
    const hardwareClass = hardwareClassOfJob(job);
    classes.set(key, { specHash: job.specHash, hardwareClass });
    return hardwareClass;
  };

  /** Brings one job's points in the store up to date; true when they changed. */
  async function syncJob(market: string, key: string, job: V2BookJob): Promise<boolean> {
    const awards = awardsOf(job);
    const hardwareClass = awards.length === 0 ? null : classOf(key, job);
    if (awards.length > 0 && hardwareClass === null) noClass.add(key);
    else noClass.delete(key);
    const points = hardwareClass === null ? [] : awards.map((a) => ({ ...a, market, hardwareClass }));
    const signature = signatureOf(points);
    const before = written.get(key);
    if (before === signature) return false;
    try {
      const timed: PricePoint[] = [];
      for (const p of points) {
        const time = await timeOf(market, p.block);
        if (time === null) throw new Error(`block ${p.block} has no timestamp yet`);
        timed.push({ ...p, time });
      }
      deps.store.replaceJob(market, job.id, timed);
      written.set(key, signature);
      return points.length > 0 || (before !== undefined && before !== '');
    } catch (error) {
      // Left unwritten: the next update of this job (or the next full pass) tries again.
      pendingIds.add(job.id);
      deps.logger?.warn('market prices: an award could not be recorded yet', { jobId: job.id, reason: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }

  async function once(full: boolean, ids: readonly string[]): Promise<void> {
    const source = sourceNow();
    if (!source) return;
    const market = marketOf(source);
    const wanted = new Set(ids);
    const jobs = full ? [...source.jobs()] : source.job ? ids.map((id) => source.job!(id)).filter((j): j is V2BookJob => j !== undefined) : [...source.jobs()].filter((j) => wanted.has(j.id));
    let changed = 0;
    const seen = new Set<string>();
    for (const job of jobs) {
      const key = `${market}\u0000${job.id}`;
      seen.add(key);
      if (await syncJob(market, key, job)) changed++;
    }
    if (full) {
      // A job the book compacted away keeps its points in the store, not its entries here.
      for (const map of [written, classes]) for (const key of map.keys()) if (!seen.has(key)) map.delete(key);
      for (const key of noClass) if (!seen.has(key)) noClass.delete(key);
    } else {
      // A job a change names that the book no longer has was rewound away (its JobPosted went
      // with a reorg): so do its points.
      for (const id of wanted) {
        const key = `${market}\u0000${id}`;
        if (seen.has(key)) continue;
        const before = written.get(key);
        deps.store.replaceJob(market, id, []);
        written.delete(key);
        classes.delete(key);
        noClass.delete(key);
        if (before) changed++;
      }
    }
    const pruned = deps.store.pruneBefore(nowOf(source) - PRICE_RETENTION_SECONDS);
    if (changed + pruned > 0) deps.onChange?.(changed + pruned);
  }

  const update = async (changedIds?: Iterable<string>): Promise<void> => {
    if (changedIds === undefined) pendingFull = true;
    else for (const id of changedIds) pendingIds.add(id);
    if (running) return running;
    // Nothing to do (an update naming no job): without this the loop below would not await,
    // its finally would run before `running` is assigned, and `running` would stay set forever.
    if (!pendingFull && pendingIds.size === 0) return;
    running = (async () => {
      try {
        while (pendingFull || pendingIds.size > 0) {
          const full = pendingFull;
          const ids = [...pendingIds];
          pendingFull = false;
          pendingIds.clear();
          try {
            await once(full, ids);
          } catch (error) {
            // The store failed (disk full, locked): the caller's book change must not fail with it.
            deps.logger?.error('market prices: the update failed; the next book change tries again', { reason: error instanceof Error ? error.message : String(error) });
            if (full) pendingFull = true;
            for (const id of ids) pendingIds.add(id);
            break;
          }
          // A job that failed is retried with the next update, not in a loop now.
          if (!full && ids.every((id) => pendingIds.has(id))) break;
        }
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
    return marketPricesOf(points, { classes: machine, now, unclassified: noClass.size });
  };

  return {
    update,
    rewindTo(block) {
      const source = sourceNow();
      if (!source) return;
      const removed = deps.store.removeAbove(marketOf(source), block);
      // Every job is compared with the store again on the next update; the blocks above were
      // replaced, with times of their own.
      written.clear();
      blockTimes.clear();
      pendingFull = true;
      if (removed > 0) deps.onChange?.(removed);
    },
    prices,
    handlers: { getMarketPrices: async () => prices() },
  };
}
