import type { ProviderJobState } from '../../../shared/domain/market';
import type { MarketJobV2, V2AuctionView, V2ProviderRecordView, V2RequesterRecordView } from '../../../shared/domain/market-v2-view';
import { formatSeconds, usdPerHour } from './market-format';
import type { Tone } from './market-view';

/**
 * The words of market v2 on the Market page and the dashboard (docs/MARKET-V2.md): how an
 * auction went for this PC, the replicas, a dispute, and everyone's record. Pure.
 */

export const OUTCOMES: Record<V2AuctionView['outcome'], { label: string; tone: Tone }> = {
  bidding: { label: 'Bidding', tone: 'active' },
  won: { label: 'Won', tone: 'ok' },
  lost: { label: 'Lost', tone: 'neutral' },
  'not-bidding': { label: 'Not bidding', tone: 'neutral' },
};

/**
 * The state badge of a job of ours on a v2 market, where v1's words would mislead: a standing
 * bid is not a claim, a lost auction is not "claimed by another provider", a slash is not a
 * refund. Null: v1's label is right.
 */
export function v2StateLabel(state: ProviderJobState, v2: MarketJobV2 | undefined): { label: string; tone: Tone } | null {
  if (!v2) return null;
  if (state === 'claiming') return { label: 'Bidding', tone: 'active' };
  if (state === 'lost-to-other') return { label: 'Auction lost', tone: 'neutral' };
  if (v2.ourSlot === 'slashed') return { label: 'Slashed', tone: 'bad' };
  if (state === 'claimed' && !v2.fixedPrice) return { label: 'Won, starting', tone: 'active' };
  return null;
}

/** The Market page's section intros on a v2 market. */
export const V2_INTROS = {
  open: 'Jobs posted on the market that are still open, best paid first. RigShift bids your floor on those that fit: the lowest asks win, each paid the lowest losing ask.',
  mine: 'Jobs this PC bid on or runs, newest first: bidding, won or lost, running, paid.',
};

/** One line on how the auction went for this PC: our ask, and the uniform price winners are paid. */
export function auctionLine(auction: V2AuctionView): string {
  const ask = auction.ourAskMicros !== null ? usdPerHour(auction.ourAskMicros) : null;
  const paid = auction.pricePaidMicros !== null ? usdPerHour(auction.pricePaidMicros) : null;
  switch (auction.outcome) {
    case 'won':
      return paid ? `Won: you asked ${ask ?? 'your floor'} and are paid ${paid}` : `Won at your ask of ${ask ?? 'your floor'}`;
    case 'lost':
      return paid ? `Lost: you asked ${ask}; the winners are paid ${paid}` : `Lost: you asked ${ask}; lower asks took it`;
    case 'bidding':
      return `Bidding ${ask}: the lowest asks win, each paid the lowest losing ask`;
    case 'not-bidding':
      return paid ? `Awarded at ${paid}` : `${auction.bids} bid${auction.bids === 1 ? '' : 's'} so far`;
  }
}

const ROUND_WORDS: Record<V2AuctionView['round'], string> = {
  main: 'the job',
  tiebreak: 'a tiebreak run (two replicas disagreed)',
  verify: 'a verifier run (the requester disputed the result)',
};
export const roundWords = (auction: V2AuctionView): string => ROUND_WORDS[auction.round];

export function replicasText(v2: MarketJobV2): string {
  const r = v2.replicas;
  if (r.wanted === 1) return r.slashed > 0 ? 'One provider (no replicas); slashed' : 'One provider (no replicas)';
  const parts = [`${r.committed} of ${r.wanted} committed`, `${r.revealed} revealed`];
  if (r.revealed > 0) parts.push(`${r.agreed} agree`);
  if (r.slashed > 0) parts.push(`${r.slashed} slashed`);
  return `${r.wanted} replicas: ${parts.join(', ')}`;
}

const DISPUTE_WORDS: Record<MarketJobV2['verification']['dispute'], string> = {
  none: 'No dispute',
  open: 'Disputed: a verifier runs the job again',
  upheld: 'Dispute lost by the requester: the verifier agreed with the provider',
  rejected: 'Dispute won by the requester: the provider’s result was wrong',
  lapsed: 'Dispute lapsed: no verifier came, the result stands',
};

export function verificationText(v2: MarketJobV2): string {
  const v = v2.verification;
  if (!v.deterministic) return 'Not deterministic: it cannot be disputed or replicated';
  return DISPUTE_WORDS[v.dispute];
}

/** "12 posted · 10 accepted · disputes won 1, lost 0 · 1 refund". */
export function requesterRecordText(r: V2RequesterRecordView): string {
  return `${r.posted} posted · ${r.accepted} accepted · disputes won ${r.disputesWon}, lost ${r.disputesLost} · ${r.refunds} refund${r.refunds === 1 ? '' : 's'}`;
}

/** The record in a few words for a list row: "4 posted · 1 dispute lost". */
export function requesterShortText(r: V2RequesterRecordView): string {
  const lost = r.disputesLost === 0 ? 'no dispute lost' : `${r.disputesLost} dispute${r.disputesLost === 1 ? '' : 's'} lost`;
  return `${r.posted} posted · ${lost}`;
}

/** Whether the owner's rule (Controls → Market v2) refuses this requester. */
export function requesterRuleText(r: V2RequesterRecordView, maxDisputesLost: number): { excluded: boolean; text: string } {
  if (r.disputesLost > maxDisputesLost) {
    return { excluded: true, text: `Refused by your rule: it lost ${r.disputesLost} dispute${r.disputesLost === 1 ? '' : 's'} (you allow ${maxDisputesLost})` };
  }
  return { excluded: false, text: `Within your rule (at most ${maxDisputesLost} disputes lost)` };
}

export interface RecordItem {
  key: keyof Omit<V2ProviderRecordView, 'score'>;
  label: string;
  value: string;
  /** Counts against the owner (slashes, lost disputes). */
  bad: boolean;
}

/** The owner's own record, item by item, for the dashboard's reputation card. */
export function providerRecordItems(r: V2ProviderRecordView): RecordItem[] {
  return [
    { key: 'settled', label: 'Jobs paid', value: String(r.settled), bad: false },
    { key: 'agreed', label: 'Replicas agreed', value: String(r.agreed), bad: false },
    { key: 'disputesWon', label: 'Disputes won', value: String(r.disputesWon), bad: false },
    { key: 'disputesLost', label: 'Disputes lost', value: String(r.disputesLost), bad: r.disputesLost > 0 },
    { key: 'slashes', label: 'Slashed', value: String(r.slashes), bad: r.slashes > 0 },
    { key: 'releases', label: 'Given back', value: String(r.releases), bad: false },
    { key: 'billedSeconds', label: 'Time billed', value: formatSeconds(r.billedSeconds), bad: false },
  ];
}

/** What the score means for the auction's tie-break. */
export function scoreText(r: V2ProviderRecordView): string {
  return `Score ${r.score} (jobs paid − 2 × (slashes + disputes lost)): on equal asks the better score wins.`;
}
