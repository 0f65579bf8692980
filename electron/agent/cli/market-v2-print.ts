/** How `rigshift market show` words a v2 job, and the JSON form (bigint as decimal strings). */
import { usdWords } from '../chain/market-v2-errors';
import type { V2BookJob } from '../market-v2/v2-book';
import type { V2ChainJob } from '../requester/market-v2-requester';

/** JSON-safe copy: bigints as decimal strings, a job's raw events left out. */
export function jsonOf(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonOf);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'events').map(([k, v]) => [k, jsonOf(v)]));
  return value;
}

const STATE_WORDS: Record<string, string> = {
  open: 'open',
  running: 'running',
  submitted: 'result submitted, in its challenge window',
  settled: 'settled',
  refunded: 'refunded',
};

export function describeV2Job(chain: V2ChainJob, job: V2BookJob): string {
  const t = job.terms;
  const lines = [
    `Job ${job.id}: ${STATE_WORDS[chain.state] ?? chain.state} (${job.round} round ${job.roundNo}); requester ${job.requester}`,
    `  terms: up to ${usdWords(t.maxPricePerHour)}/h for ${t.maxDurationSeconds} s; ${t.replicas} replica(s)${t.deterministic ? ', deterministic' : ''}${t.preemptible ? ', preemptible' : ''}; ` +
      `${t.bidWindowSeconds > 0 ? `auction, ${t.bidWindowSeconds} s bid window` : 'fixed price'}${t.minProviderSettled > 0 ? `; providers need ${t.minProviderSettled} settled runs` : ''}`,
    `  escrow: ${usdWords(job.escrowPosted)} posted, ${usdWords(chain.escrow)} left${job.refund !== null ? `; ${usdWords(job.refund)} refunded at the end` : ''}`,
  ];
  if (job.specError) lines.push(`  spec unusable: ${job.specError}`);
  for (const a of job.auctions) {
    const asks = a.bids.map((b) => `${usdWords(b.ask)} by ${b.provider}${a.winners.includes(b.provider) ? ' (won)' : ''}`).join(', ') || 'no bids';
    const result = a.pricePerHour === null ? `bidding until ${new Date(a.bidEnds * 1000).toISOString()}` : `awarded at ${usdWords(a.pricePerHour)}/h to every winner`;
    lines.push(`  auction (${a.round} round ${a.roundNo}): ${asks}; ${result}`);
  }
  for (const s of job.slots) {
    const paid = s.gross !== null ? `, paid ${usdWords(s.gross)} (fee ${usdWords(s.fee)})` : s.slashed !== null ? `, stake ${usdWords(s.slashed)} slashed` : '';
    const billed = s.billedSeconds !== null ? ` for ${s.billedSeconds} s` : '';
    lines.push(`  slot ${s.slot} (${s.round}): ${s.provider} at ${usdWords(s.pricePerHour)}/h: ${s.state}${billed}${s.outputsDigest ? `, digest ${s.outputsDigest}` : ''}${paid}`);
  }
  if (job.dispute) lines.push(`  dispute: bond ${usdWords(job.dispute.bond)}; ${job.dispute.outcome === 'open' ? 'waiting for the verifier' : job.dispute.outcome === 'upheld' ? 'the result was upheld (the requester lost its bond)' : job.dispute.outcome === 'rejected' ? 'the result was rejected (the provider was slashed)' : 'lapsed (no verifier result; the result stands)'}`);
  for (const url of job.redeliveries) lines.push(`  redelivery requested to ${url}`);
  for (const reason of job.invalid) lines.push(`  unreadable event: ${reason}`);
  return lines.join('\n');
}
