import type { AgentEvent } from '../../../shared/api/contract';
import type { MarketJob, MarketOverview, MarketStatus } from '../../../shared/domain/market';

/**
 * What the Market page holds: the status and every job it knows, by chain id. Open jobs
 * and "my jobs" are both views of the one map (market-view.ts), so a job that moves from
 * open to claimed moves between the tables by itself.
 */
export interface MarketState {
  status: MarketStatus;
  jobs: ReadonlyMap<string, MarketJob>;
  /** Open jobs on the market, as the agent counted them (the list may be capped). */
  openTotal: number;
}

export function marketStateFrom(overview: MarketOverview): MarketState {
  const jobs = new Map<string, MarketJob>();
  for (const job of overview.open) jobs.set(job.chainJobId, job);
  for (const job of overview.mine) jobs.set(job.chainJobId, job);
  return { status: overview.status, jobs, openTotal: overview.openTotal };
}

export type MarketEventResult = { state: MarketState; reload: boolean };

/**
 * Folds one pushed event into the page state. Pure and safe to replay. `reload` asks the
 * page to fetch getMarket again: the indexer rebuilt its view (a new devnet, a reorg), or
 * a job of ours changed that the page has never seen (its market row comes with the reload).
 */
export function applyMarketEvent(state: MarketState, event: AgentEvent): MarketEventResult {
  switch (event.name) {
    case 'marketStatus':
      return { state: { ...state, status: event.payload, openTotal: event.payload.counts.open }, reload: false };
    case 'marketJobs': {
      const { upserts, removed, reset } = event.payload;
      if (reset) return { state, reload: true };
      if (upserts.length === 0 && removed.length === 0) return { state, reload: false };
      const jobs = new Map(state.jobs);
      for (const id of removed) jobs.delete(id);
      for (const job of upserts) jobs.set(job.chainJobId, job);
      return { state: { ...state, jobs }, reload: false };
    }
    case 'marketJob': {
      const mine = event.payload;
      const known = state.jobs.get(mine.chainJobId);
      if (!known) return { state, reload: true };
      // An older update that raced with a newer one (a replay) changes nothing.
      if (known.mine && known.mine.updatedAt > mine.updatedAt) return { state, reload: false };
      const jobs = new Map(state.jobs);
      jobs.set(mine.chainJobId, { ...known, mine });
      return { state: { ...state, jobs }, reload: false };
    }
    default:
      return { state, reload: false };
  }
}
