/**
 * Every v2 job seen, each kept as its own events and the state folded from them (the v1 book's
 * design, market/market-book.ts: a rewind drops events above a block and folds again). The fold
 * follows the contract round by round: the auction (bids, the price every winner is paid),
 * the slots (who runs, commits, reveals, is paid, slashed or freed), a dispute, redeliveries.
 */
import type { V2JobState, V2Round } from '../chain/market-v2-abi';
import type { V2JobEvent, V2Terms } from './v2-events';

export type V2SlotState = 'running' | 'committed' | 'revealed' | 'released' | 'paid' | 'slashed' | 'freed';

export interface V2BookSlot {
  slot: number;
  provider: string;
  round: V2Round;
  roundNo: number;
  /** The block it was assigned in: its timestamp is the slot's startedAt on chain. */
  assignedBlock: number;
  pricePerHour: bigint;
  state: V2SlotState;
  commitment: string | null;
  billedSeconds: number | null;
  outputsDigest: string | null;
  /** Gross paid (fee included) and the fee, once paid. */
  gross: bigint | null;
  fee: bigint | null;
  slashed: bigint | null;
}

export interface V2Auction {
  roundNo: number;
  round: V2Round;
  bidEnds: number;
  /** Bids standing at the close (or now, while open), lowest ask first. */
  bids: Array<{ provider: string; ask: bigint }>;
  /** Null while open; the uniform price every winner is paid once awarded. */
  pricePerHour: bigint | null;
  winners: string[];
}

export interface V2BookJob {
  id: string;
  requester: string;
  specHash: string;
  spec: string;
  specError: string | null;
  terms: V2Terms;
  escrowPosted: bigint;
  postedBlock: number;
  state: V2JobState;
  round: V2Round;
  roundNo: number;
  bidEnds: number;
  claimBy: number;
  runBy: number;
  /** One per auctioned round (none for a fixed-price listing). */
  auctions: V2Auction[];
  slots: V2BookSlot[];
  dispute: { bond: bigint; outcome: 'open' | 'upheld' | 'rejected' | 'lapsed' } | null;
  redeliveries: string[];
  /** Refund to the requester when the job ended (settled or refunded). */
  refund: bigint | null;
  settledByRequester: boolean;
  /** Logs of this job that could not be decoded, with their reasons. */
  invalid: string[];
  events: V2JobEvent[];
}

const byChainOrder = (a: V2JobEvent, b: V2JobEvent) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
const lowestFirst = (a: { ask: bigint }, b: { ask: bigint }) => (a.ask < b.ask ? -1 : a.ask > b.ask ? 1 : 0);

/** Folds one job's events (chain order) into its state; null without a decodable JobPosted. */
export function foldV2Job(events: readonly V2JobEvent[]): V2BookJob | null {
  const posted = events.find((e) => e.kind === 'posted');
  if (!posted || posted.kind !== 'posted') return null;
  const job: V2BookJob = {
    id: posted.id,
    requester: posted.requester,
    specHash: posted.specHash,
    spec: posted.spec,
    specError: posted.specError,
    terms: posted.terms,
    escrowPosted: posted.escrow,
    postedBlock: posted.blockNumber,
    state: 'open',
    round: 'main',
    roundNo: 1,
    bidEnds: posted.bidEnds,
    claimBy: posted.terms.claimBy,
    runBy: posted.terms.runBy,
    auctions: posted.bidEnds > 0 ? [{ roundNo: 1, round: 'main', bidEnds: posted.bidEnds, bids: [], pricePerHour: null, winners: [] }] : [],
    slots: [],
    dispute: null,
    redeliveries: [],
    refund: null,
    settledByRequester: false,
    invalid: [],
    events: [...events],
  };
  let roundStart = 0;
  const auction = () => job.auctions.find((a) => a.roundNo === job.roundNo);
  const slotOf = (slot: number) => job.slots.find((s) => s.slot === slot);
  for (const e of events) {
    switch (e.kind) {
      case 'posted':
        break;
      case 'invalid':
        job.invalid.push(e.reason);
        break;
      case 'roundOpened':
        job.state = 'open';
        job.round = e.round;
        job.roundNo = e.roundNo;
        job.bidEnds = e.bidEnds;
        job.claimBy = e.claimBy;
        job.runBy = e.runBy;
        roundStart = job.slots.length;
        if (e.bidEnds > 0) job.auctions.push({ roundNo: e.roundNo, round: e.round, bidEnds: e.bidEnds, bids: [], pricePerHour: null, winners: [] });
        break;
      case 'bidPlaced': {
        const open = job.auctions.find((a) => a.roundNo === e.roundNo);
        if (open) open.bids = [...open.bids, { provider: e.provider, ask: e.ask }].sort(lowestFirst);
        break;
      }
      case 'bidDisplaced': {
        const open = auction();
        if (open) {
          const at = open.bids.findIndex((b) => b.provider === e.provider && b.ask === e.ask);
          if (at >= 0) open.bids.splice(at, 1);
        }
        break;
      }
      case 'auctionClosed': {
        const closed = job.auctions.find((a) => a.roundNo === e.roundNo);
        if (closed) closed.pricePerHour = e.pricePerHour;
        break;
      }
      case 'slotAssigned': {
        job.slots.push({ slot: e.slot, provider: e.provider, round: e.round, roundNo: job.roundNo, assignedBlock: e.blockNumber, pricePerHour: e.pricePerHour, state: 'running', commitment: null, billedSeconds: null, outputsDigest: null, gross: null, fee: null, slashed: null });
        auction()?.winners.push(e.provider);
        const needed = job.round === 'main' ? job.terms.replicas : 1;
        if (job.slots.length - roundStart >= needed) job.state = 'running';
        break;
      }
      case 'committed': {
        const s = slotOf(e.slot);
        if (s) Object.assign(s, { state: 'committed', commitment: e.commitment, billedSeconds: e.billedSeconds });
        break;
      }
      case 'released': {
        const s = slotOf(e.slot);
        if (s) Object.assign(s, e.servedSeconds > 0 ? { state: 'committed', commitment: e.checkpoint, billedSeconds: e.servedSeconds } : { state: 'released' });
        break;
      }
      case 'resultSubmitted':
        job.state = 'submitted';
        break;
      case 'revealed': {
        const s = slotOf(e.slot);
        if (s) Object.assign(s, { state: 'revealed', outputsDigest: e.outputsDigest });
        break;
      }
      case 'slotPaid': {
        const s = slotOf(e.slot);
        if (s) Object.assign(s, { state: 'paid', gross: e.gross, fee: e.fee });
        break;
      }
      case 'slashed': {
        const s = slotOf(e.slot);
        if (s) Object.assign(s, { state: 'slashed', slashed: e.amount });
        break;
      }
      case 'slotFreed': {
        const s = slotOf(e.slot);
        if (s) s.state = 'freed';
        break;
      }
      case 'disputed':
        job.dispute = { bond: e.bond, outcome: 'open' };
        break;
      case 'disputeResolved':
        if (job.dispute) job.dispute.outcome = e.lapsed ? 'lapsed' : e.upheld ? 'upheld' : 'rejected';
        break;
      case 'redeliveryRequested':
        job.redeliveries.push(e.uploadUrl);
        break;
      case 'settled':
        job.state = 'settled';
        job.refund = e.refund;
        job.settledByRequester = e.byRequester;
        break;
      case 'refunded':
        job.state = 'refunded';
        job.refund = e.amount;
        break;
    }
  }
  return job;
}

export interface V2Book {
  /** Applies a batch (any order; each job's events are kept in chain order); returns the changed ids. */
  apply(events: readonly V2JobEvent[]): Set<string>;
  /** Drops every event above `block`; returns the ids that changed or disappeared. */
  rewindTo(block: number): Set<string>;
  /** Forgets these jobs (compaction: finished jobs of others, below any rewind). */
  forget(ids: Iterable<string>): void;
  get(id: string): V2BookJob | undefined;
  all(): IterableIterator<V2BookJob>;
  size(): number;
}

export function createV2Book(): V2Book {
  const jobs = new Map<string, V2BookJob>();
  const pending = new Map<string, V2JobEvent[]>();
  const keys = new Set<string>();
  const refold = (id: string, events: V2JobEvent[]) => {
    const job = foldV2Job(events.sort(byChainOrder));
    if (job) {
      jobs.set(id, job);
      pending.delete(id);
    } else {
      jobs.delete(id);
      if (events.length > 0) pending.set(id, events);
      else pending.delete(id);
    }
  };
  return {
    apply(events) {
      const touched = new Map<string, V2JobEvent[]>();
      for (const e of events) {
        if (keys.has(e.key)) continue;
        keys.add(e.key);
        let list = touched.get(e.id);
        if (!list) touched.set(e.id, (list = [...(jobs.get(e.id)?.events ?? pending.get(e.id) ?? [])]));
        list.push(e);
      }
      for (const [id, list] of touched) refold(id, list);
      return new Set(touched.keys());
    },
    rewindTo(block) {
      const changed = new Set<string>();
      for (const [id, list] of [...[...jobs].map(([i, j]) => [i, j.events] as const), ...pending]) {
        const kept = list.filter((e) => e.blockNumber <= block);
        if (kept.length === list.length) continue;
        for (const e of list) if (e.blockNumber > block) keys.delete(e.key);
        refold(id, kept);
        changed.add(id);
      }
      return changed;
    },
    forget(ids) {
      for (const id of ids) {
        for (const e of jobs.get(id)?.events ?? []) keys.delete(e.key);
        jobs.delete(id);
      }
    },
    get: (id) => jobs.get(id),
    all: () => jobs.values(),
    size: () => jobs.size,
  };
}
