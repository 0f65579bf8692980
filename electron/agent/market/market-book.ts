/**
 * Every market job the indexer has seen, each kept as the list of its own events and the
 * state folded from them. Keeping the events (a handful per job) is what makes a chain
 * rewind cheap and exact: drop the events above the rewind point and fold again; a job
 * whose JobPosted is dropped disappears. Dedupes logs by txHash:logIndex.
 */
import type { ChainJobState } from '../../../shared/domain/market';
import type { MarketDocumentFacts } from '../../../shared/domain/market-document-facts';
import type { MarketEvent } from './market-events';

export interface BookJob {
  id: string;
  requester: string;
  specHash: string;
  /**
   * The posted document when it is held in memory (our own unusable posts, logs written
   * before the document file); '' when it is in the document file (the posted event's `doc`, which
   * compaction moves) or was dropped.
   * Read documents through the event log's document(id), never from here.
   */
  inlineSpec: string;
  /** What the verdicts and the list need of a valid document (null: read the document). */
  facts: MarketDocumentFacts | null;
  /** Why the posted spec is unusable (not UTF-8, oversized, bad ABI data): an invalid job. */
  specError: string | null;
  maxPricePerHour: bigint;
  maxDurationSeconds: number;
  claimBy: number;
  runBy: number;
  preemptible: boolean;
  escrow: bigint;
  postedBlock: number;
  postedTx: string;
  state: ChainJobState;
  provider: string | null;
  ask: bigint | null;
  attempt: number;
  billedSeconds: number | null;
  resultUri: string | null;
  events: MarketEvent[];
}

export interface MarketBook {
  /** Applies a batch (in chain order); returns the ids of jobs that changed. */
  apply(events: readonly MarketEvent[]): Set<string>;
  /** Drops every event above `block`; returns the changed ids and the removed ids. */
  rewindTo(block: number): { changed: Set<string>; removed: Set<string> };
  /** Forgets these jobs (and their events) entirely; returns the ids that were known. */
  forget(ids: readonly string[]): Set<string>;
  get(id: string): BookJob | undefined;
  all(): IterableIterator<BookJob>;
  size(): number;
  clear(): void;
}

/** Folds a job's events (sorted) into its state. Null when there is no JobPosted. */
export function foldJob(events: readonly MarketEvent[], reopenClaimWindow: number): BookJob | null {
  const posted = events.find((e) => e.kind === 'posted');
  if (!posted || posted.kind !== 'posted') return null;
  const job: BookJob = {
    id: posted.id,
    requester: posted.requester,
    specHash: posted.specHash,
    inlineSpec: posted.spec,
    facts: posted.facts ?? null,
    // An invalid post (specError) and a document nobody can run (documentError) read the same to the verdicts.
    specError: posted.specError ?? posted.documentError ?? null,
    maxPricePerHour: posted.maxPricePerHour,
    maxDurationSeconds: posted.maxDurationSeconds,
    claimBy: posted.claimBy,
    runBy: posted.runBy,
    preemptible: posted.preemptible,
    escrow: posted.escrow,
    postedBlock: posted.blockNumber,
    postedTx: posted.txHash,
    state: 'open',
    provider: null,
    ask: null,
    attempt: 0,
    billedSeconds: null,
    resultUri: null,
    events: [...events],
  };
  for (const e of events) {
    switch (e.kind) {
      case 'claimed':
        job.state = 'claimed';
        job.provider = e.provider;
        job.ask = e.ask;
        job.attempt = e.attempt;
        job.billedSeconds = null;
        break;
      case 'submitted':
        job.state = 'submitted';
        job.billedSeconds = e.billedSeconds;
        job.resultUri = e.resultUri;
        break;
      case 'released':
        // Mirrors the contract: escrow less the gross paid; reopened jobs get a fresh claim window.
        job.escrow -= e.gross;
        if (e.reopened) {
          job.state = 'open';
          job.provider = null;
          job.ask = null;
          job.claimBy = Math.max(job.claimBy, e.blockTimestamp + reopenClaimWindow);
        } else {
          job.state = 'refunded';
          job.escrow = 0n;
        }
        break;
      case 'settled':
        job.state = 'settled';
        job.escrow = 0n;
        break;
      case 'refunded':
        job.state = 'refunded';
        job.escrow = 0n;
        break;
      case 'posted':
      case 'invalid':
        break;
    }
  }
  return job;
}

const byChainOrder = (a: MarketEvent, b: MarketEvent) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;

export function createMarketBook(reopenClaimWindow: () => number): MarketBook {
  const jobs = new Map<string, BookJob>();
  /** Events whose JobPosted we have not seen (cannot happen on one chain, kept for safety). */
  const orphans = new Map<string, MarketEvent[]>();
  const keys = new Set<string>();

  const refold = (id: string, events: MarketEvent[]): boolean => {
    const job = foldJob(events.sort(byChainOrder), reopenClaimWindow());
    if (job) {
      jobs.set(id, job);
      orphans.delete(id);
      return true;
    }
    jobs.delete(id);
    if (events.length > 0) orphans.set(id, events);
    else orphans.delete(id);
    return false;
  };

  return {
    apply(events) {
      const touched = new Map<string, MarketEvent[]>();
      for (const event of events) {
        if (keys.has(event.key)) continue;
        keys.add(event.key);
        let list = touched.get(event.id);
        if (!list) {
          list = [...(jobs.get(event.id)?.events ?? orphans.get(event.id) ?? [])];
          touched.set(event.id, list);
        }
        list.push(event);
      }
      const changed = new Set<string>();
      for (const [id, list] of touched) {
        // Fast path for the common case (a new job's JobPosted alone): no sort needed.
        if (refold(id, list)) changed.add(id);
      }
      return changed;
    },
    rewindTo(block) {
      const changed = new Set<string>();
      const removed = new Set<string>();
      for (const [id, job] of [...jobs]) {
        const kept = job.events.filter((e) => e.blockNumber <= block);
        if (kept.length === job.events.length) continue;
        for (const e of job.events) if (e.blockNumber > block) keys.delete(e.key);
        if (refold(id, kept)) changed.add(id);
        else removed.add(id);
      }
      for (const [id, list] of [...orphans]) {
        const kept = list.filter((e) => e.blockNumber <= block);
        for (const e of list) if (e.blockNumber > block) keys.delete(e.key);
        if (kept.length === 0) orphans.delete(id);
        else orphans.set(id, kept);
      }
      return { changed, removed };
    },
    forget(ids) {
      const removed = new Set<string>();
      for (const id of ids) {
        const job = jobs.get(id);
        if (!job) continue;
        // Keys stay: a late duplicate of a forgotten job's log must not bring it back half.
        jobs.delete(id);
        removed.add(id);
      }
      return removed;
    },
    get: (id) => jobs.get(id),
    all: () => jobs.values(),
    size: () => jobs.size,
    clear() {
      jobs.clear();
      orphans.clear();
      keys.clear();
    },
  };
}
