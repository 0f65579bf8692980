/**
 * What the v2 market's views (the Market page, the job detail, the dashboard's reputation)
 * read from the agent's v2 provider feature: the folded book, everyone's records, this
 * provider's own runs and the reasons it passed jobs over. The feature implements it
 * (market-v2-feature); the views are pure functions of it (v2-market-view), so each is
 * tested without a chain.
 */
import type { V2BookJob } from './v2-book';
import type { V2LocalRun } from './v2-provider-plan';
import type { V2Records } from './v2-records';

/** A run of ours as the feature keeps it on disk: the plan's record plus the local job. */
export interface V2StoredRun extends V2LocalRun {
  chainJobId: string;
  /** The container job that ran it (jobs/<id>), null before it started. */
  localJobId: string | null;
  /** The ask we bid (null for a fixed-price claim). */
  askMicrosPerHour: bigint | null;
  /** The device it ran on and the container's run window (ISO): the ledger's energy figure. */
  deviceId?: string | null;
  runStartedAt?: string | null;
  runEndedAt?: string | null;
  /** Why the run failed, in words; null while fine. */
  error: string | null;
  updatedAt: string;
}

export interface V2MarketSource {
  /** Every v2 job indexed (the book). */
  jobs(): Iterable<V2BookJob>;
  job(id: string): V2BookJob | undefined;
  /** Records (reputation) folded from the book, keys lower case. */
  records(): V2Records;
  /** Our runs, by chain job id. */
  runs(): ReadonlyMap<string, V2StoredRun>;
  /** Why each job was passed over, by chain job id (the plan's reasons, in words). */
  passes(): ReadonlyMap<string, string>;
  /** This provider's address, lower case; null without a wallet. */
  me(): string | null;
  /** Chain time of the latest head (seconds); 0 before the first. */
  chainTime(): number;
  chainId(): number;
}
