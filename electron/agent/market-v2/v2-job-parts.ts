/**
 * The v2 parts of one job as the owner sees them (shared/domain/market-v2-view.ts), read from
 * the folded book: the auction this provider bid in (or the latest), the replicas and how
 * they agree, the dispute and challenge window, the requester's record. Pure.
 */
import { formatUsdMicros } from '../../../shared/domain/money-format';
import type { MarketJobV2, V2AuctionView, V2ProviderRecordView, V2ReplicasView, V2Step, V2VerificationView } from '../../../shared/domain/market-v2-view';
import type { V2Auction, V2BookJob } from './v2-book';
import { emptyRequesterRecord, reputationScore, type V2ProviderRecord, type V2Records } from './v2-records';

export interface V2PartsContext {
  /** This provider's address (any case); null without a wallet. */
  me: string | null;
  /** Chain time (seconds). */
  now: number;
  records: V2Records;
  /** The contract's challenge window (seconds), when known. */
  challengeWindowSeconds?: number;
  /** A block's timestamp (seconds), when known: the single replica's challenge window starts at its commit. */
  blockTime?(block: number): number | undefined;
}

export const isoOf = (seconds: number): string => new Date(seconds * 1000).toISOString();
const same = (a: string, b: string | null) => b !== null && a.toLowerCase() === b.toLowerCase();

/** Our ask in a round, from the bids we placed (a displaced bid is gone from the book, not from the log). */
export function ourAskIn(job: V2BookJob, roundNo: number, me: string | null): bigint | null {
  let ask: bigint | null = null;
  for (const e of job.events) if (e.kind === 'bidPlaced' && e.roundNo === roundNo && same(e.provider, me)) ask = e.ask;
  return ask;
}

/** The auction to show: the latest one we bid in, else the latest one. */
export function auctionToShow(job: V2BookJob, me: string | null): V2Auction | null {
  const ours = [...job.auctions].reverse().find((a) => ourAskIn(job, a.roundNo, me) !== null);
  return ours ?? job.auctions[job.auctions.length - 1] ?? null;
}

export function auctionView(job: V2BookJob, auction: V2Auction, ctx: V2PartsContext): V2AuctionView {
  const ourAsk = ourAskIn(job, auction.roundNo, ctx.me);
  const won = auction.winners.some((w) => same(w, ctx.me));
  const awarded = auction.pricePerHour !== null || auction.winners.length > 0 || auction.roundNo < job.roundNo || job.state === 'settled' || job.state === 'refunded';
  const standing = auction.bids.some((b) => same(b.provider, ctx.me));
  let outcome: V2AuctionView['outcome'] = 'not-bidding';
  if (won) outcome = 'won';
  else if (ourAsk !== null) outcome = awarded || !standing ? 'lost' : 'bidding';
  return {
    roundNo: auction.roundNo,
    round: auction.round,
    bidEndsAt: isoOf(auction.bidEnds),
    bids: auction.bids.length,
    lowestAsksMicros: auction.bids.slice(0, 3).map((b) => b.ask.toString()),
    ourAskMicros: ourAsk?.toString() ?? null,
    pricePaidMicros: auction.pricePerHour?.toString() ?? null,
    outcome,
  };
}

export function replicasView(job: V2BookJob): V2ReplicasView {
  // The job's own runs: the main round and a tiebreak (a dispute's verifier is verification).
  const runs = job.slots.filter((s) => s.round !== 'verify');
  const digests = new Map<string, number>();
  for (const s of runs) if (s.outputsDigest) digests.set(s.outputsDigest, (digests.get(s.outputsDigest) ?? 0) + 1);
  return {
    wanted: Math.min(3, Math.max(1, job.terms.replicas)),
    committed: runs.filter((s) => s.commitment !== null).length,
    revealed: runs.filter((s) => s.outputsDigest !== null).length,
    agreed: Math.max(0, ...digests.values()),
    slashed: job.slots.filter((s) => s.state === 'slashed').length,
  };
}

export function verificationView(job: V2BookJob, ctx: V2PartsContext): V2VerificationView {
  let challengeEndsAt: string | null = null;
  // A single replica's commitment waits out the challenge window from its commit (the contract's submittedAt).
  if (job.state === 'submitted' && ctx.challengeWindowSeconds !== undefined && ctx.blockTime) {
    const submitted = [...job.events].reverse().find((e) => e.kind === 'resultSubmitted' || (e.kind === 'released' && e.servedSeconds > 0));
    const at = submitted ? ctx.blockTime(submitted.blockNumber) : undefined;
    if (at !== undefined) challengeEndsAt = isoOf(at + ctx.challengeWindowSeconds);
  }
  return {
    deterministic: job.terms.deterministic,
    dispute: job.dispute?.outcome ?? 'none',
    disputeBondMicros: job.dispute?.bond.toString() ?? null,
    challengeEndsAt,
    redeliveries: job.redeliveries.length,
  };
}

export function providerRecordView(record: V2ProviderRecord): V2ProviderRecordView {
  return { ...record, score: reputationScore(record) };
}

const MAX_HISTORY = 40;
const usdH = (micros: bigint) => `${formatUsdMicros(micros)}/h`;

/** The job's events in words, ours marked: bids, the award, commits, reveals, payments, slashes, the dispute. */
export function historyOf(job: V2BookJob, me: string | null): V2Step[] {
  const steps: V2Step[] = [];
  const fixed = job.terms.bidWindowSeconds === 0;
  for (const e of job.events) {
    const step = (what: string, ours = false) => steps.push({ block: e.blockNumber, txHash: e.txHash, what, ours });
    const who = (provider: string) => (same(provider, me) ? 'We' : 'A provider');
    switch (e.kind) {
      case 'posted':
        step(`Posted: up to ${usdH(e.terms.maxPricePerHour)}, ${e.terms.replicas} provider${e.terms.replicas === 1 ? '' : 's'}${fixed ? ', fixed price' : ', auctioned'}`);
        break;
      case 'roundOpened':
        step(e.round === 'verify' ? 'Reopened for a verifier run' : e.round === 'tiebreak' ? 'Reopened for a tiebreak run' : 'Reopened');
        break;
      case 'bidPlaced':
        step(`${who(e.provider)} bid ${usdH(e.ask)}`, same(e.provider, me));
        break;
      case 'bidDisplaced':
        step(`${same(e.provider, me) ? 'Our' : 'A'} bid of ${usdH(e.ask)} was pushed out by lower asks`, same(e.provider, me));
        break;
      case 'auctionClosed':
        step(`Awarded: every winner is paid ${usdH(e.pricePerHour)} (${e.bids} bid${e.bids === 1 ? '' : 's'})`);
        break;
      case 'slotAssigned':
        step(`${who(e.provider)} ${e.round === 'verify' ? 'took the verifier run' : fixed ? 'claimed it' : 'won a slot'} at ${usdH(e.pricePerHour)}`, same(e.provider, me));
        break;
      case 'committed':
        step(`${who(e.provider)} committed a result (${e.billedSeconds} s billed)`, same(e.provider, me));
        break;
      case 'revealed':
        step(`${who(e.provider)} revealed ${same(e.provider, me) ? 'our' : 'its'} digest`, same(e.provider, me));
        break;
      case 'released':
        step(`${who(e.provider)} gave it back${e.servedSeconds > 0 ? ` after ${e.servedSeconds} s, with a checkpoint` : ', with nothing to show'}`, same(e.provider, me));
        break;
      case 'slotPaid':
        step(`${who(e.provider)} ${same(e.provider, me) ? 'were' : 'was'} paid ${formatUsdMicros(e.gross - e.fee)}`, same(e.provider, me));
        break;
      case 'slashed':
        step(`${who(e.provider)} ${same(e.provider, me) ? 'were' : 'was'} slashed ${formatUsdMicros(e.amount)}`, same(e.provider, me));
        break;
      case 'slotFreed':
        if (same(e.provider, me)) step('Our stake was unlocked, unpaid', true);
        break;
      case 'disputed':
        step(`The requester disputed the result (bond ${formatUsdMicros(e.bond)})`, false);
        break;
      case 'disputeResolved':
        step(e.lapsed ? 'Dispute lapsed: the result stands' : e.upheld ? 'Dispute settled: the verifier agreed with the provider' : 'Dispute settled: the verifier disagreed', same(e.provider, me));
        break;
      case 'redeliveryRequested':
        step('The requester asked for the results again, at a new address');
        break;
      case 'settled':
        step(`Settled${e.byRequester ? ' (accepted by the requester)' : ''}`);
        break;
      case 'refunded':
        step(`Refunded to the requester (${formatUsdMicros(e.amount)})`);
        break;
      case 'invalid':
        break;
    }
  }
  return steps.slice(-MAX_HISTORY);
}

export function jobV2Parts(job: V2BookJob, ctx: V2PartsContext): MarketJobV2 {
  const auction = auctionToShow(job, ctx.me);
  const ours = [...job.slots].reverse().find((s) => same(s.provider, ctx.me));
  return {
    fixedPrice: job.terms.bidWindowSeconds === 0,
    auction: auction ? auctionView(job, auction, ctx) : null,
    rounds: job.auctions.length,
    replicas: replicasView(job),
    verification: verificationView(job, ctx),
    minProviderSettled: job.terms.minProviderSettled,
    requesterRecord: { ...(ctx.records.requesters.get(job.requester.toLowerCase()) ?? emptyRequesterRecord()) },
    history: historyOf(job, ctx.me),
    ourSlot: ours?.state ?? null,
  };
}
