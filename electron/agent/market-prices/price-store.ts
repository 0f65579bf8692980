/**
 * The port the market's price points are kept behind: they outlive a restart and the book's
 * compaction (a settled job leaves the book; what it paid stays here). The real store is
 * SQLite (sqlite-price-store.ts); unit tests use test/fakes/fake-price-store.ts.
 */
import type { HardwareClass } from '../../../shared/domain/market-prices';

/** Points older than this are pruned: a week of statistics plus a day of margin. */
export const PRICE_RETENTION_SECONDS = 8 * 86_400;

export interface PricePoint {
  /** Which market (chain id and contract): points of two markets never mix. */
  market: string;
  jobId: string;
  /** Who posted the job, lower case. */
  requester: string;
  roundNo: number;
  block: number;
  /** The block's timestamp, unix seconds (chain time). */
  time: number;
  hardwareClass: HardwareClass;
  microsPerHour: bigint;
  kind: 'auction' | 'fixed';
}

export interface PricePointStore {
  /**
   * Makes the job's points exactly `points` (all of `market`, `jobId`): re-reading the chain
   * after a restart writes the same rows again, and a job that lost a round to a reorg
   * loses its point. Idempotent per (market, job, round).
   */
  replaceJob(market: string, jobId: string, points: readonly PricePoint[]): void;
  /** Drops the market's points above `block` (a rewind); returns how many. */
  removeAbove(market: string, block: number): number;
  /** Drops every point older than `time` (unix seconds); returns how many. */
  pruneBefore(time: number): number;
  /** The market's points with time >= `since`, oldest first. */
  list(market: string, since: number): PricePoint[];
  close(): void;
}
