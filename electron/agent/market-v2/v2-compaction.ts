/**
 * What the v2 event log keeps when it compacts (v1's design, market/market-indexer.ts): every
 * job that is not over (open, running, submitted: the provider and the Market page read them),
 * every job we took part in (a bid, a slot, a verify slot: the ledger folds them, the Market
 * page lists them as ours), every job that ended within the reorg horizon (a rewind may reopen
 * it), and our own stake and withdrawal events (the ledger's withdrawals). The rest (other
 * wallets' finished jobs) is forgotten, in memory and on disk, except for what readers still
 * need of it:
 * - the records (reputation) they add to (v2-records.ts folds every job; a requester rule
 *   and the job views read them): kept as a snapshot that later folds add to, so a
 *   compacted log gives the same records as the whole one;
 * - awarded prices: the price store (market-prices/) keeps its own copy and never re-reads
 *   the book for a job it no longer names (a full pass keeps the store's points).
 * There is no history of other wallets' jobs on the v2 Market page (open and ours only).
 */
import type { V2BookJob } from './v2-book';
import type { V2AccountEvent, V2JobEvent } from './v2-events';
import { foldV2Records, type V2ProviderRecord, type V2Records, type V2RequesterRecord } from './v2-records';

export interface V2CompactionPlan {
  /** Job ids to forget. */
  drop: string[];
  /** Events of the jobs kept, and our account events, in chain order. */
  events: Array<V2JobEvent | V2AccountEvent>;
  accounts: V2AccountEvent[];
  /** Records of the dropped jobs (to add to the snapshot already kept). */
  dropped: V2Records;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const byChainOrder = (a: { blockNumber: number; logIndex: number }, b: { blockNumber: number; logIndex: number }) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;

/** Whether a job is ours: we bid on it, held a slot of it, or posted it. */
export function tookPart(job: V2BookJob, me: string): boolean {
  return same(job.requester, me) || job.events.some((e) => 'provider' in e && same(e.provider, me));
}

const accountOf = (e: V2AccountEvent) => (e.kind === 'withdrawn' ? e.account : e.provider);

/**
 * The plan for `jobs` and `accounts`, for wallet `me` (null: no wallet, every job of the book
 * is someone else's), keeping every job with an event above `horizon` (the oldest block a
 * rewind can reach).
 */
export function planV2Compaction(jobs: Iterable<V2BookJob>, accounts: readonly V2AccountEvent[], me: string | null, horizon: number): V2CompactionPlan {
  const drop: string[] = [];
  const gone: V2BookJob[] = [];
  const events: Array<V2JobEvent | V2AccountEvent> = [];
  for (const job of jobs) {
    const over = job.state === 'settled' || job.state === 'refunded';
    const last = job.events[job.events.length - 1]?.blockNumber ?? 0;
    if (!over || last >= horizon || (me !== null && tookPart(job, me))) {
      events.push(...job.events);
      continue;
    }
    drop.push(job.id);
    gone.push(job);
  }
  const kept = accounts.filter((e) => me !== null && same(accountOf(e), me));
  events.push(...kept);
  return { drop, events: events.sort(byChainOrder), accounts: kept, dropped: foldV2Records(gone) };
}

/** Records as JSON (maps as entry lists). */
export interface V2RecordsJson {
  providers: Array<[string, V2ProviderRecord]>;
  requesters: Array<[string, V2RequesterRecord]>;
}

export const recordsToJson = (r: V2Records): V2RecordsJson => ({ providers: [...r.providers], requesters: [...r.requesters] });
export const recordsFromJson = (j: V2RecordsJson): V2Records => ({ providers: new Map(j.providers), requesters: new Map(j.requesters) });
