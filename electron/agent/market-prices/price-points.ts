/**
 * The fold from v2 book jobs to price points (issue 12, item 3): every award seen on chain,
 * with the price per hour it pays, the block it happened in and the job's hardware class.
 * An award is an auctioned round that was awarded (its uniform price, the one every winner
 * is paid) or a fixed-price claim (a round without an auction: the posted price). One point
 * per (job, round): a replicated round has one price, however many providers it pays.
 * Pure; the block's time comes later (market-price-history.ts asks the chain once per block).
 */
import type { V2BookJob } from '../market-v2/v2-book';
import { hardwareClassOf, type HardwareClass } from '../../../shared/domain/market-prices';
import { parseMarketDocument } from '../../../shared/domain/market-evaluation';

export interface JobAward {
  jobId: string;
  /** Who posted the job, lower case (the statistics count requesters). */
  requester: string;
  roundNo: number;
  /** The block the round's first slot was assigned in (the award's transaction). */
  block: number;
  microsPerHour: bigint;
  kind: 'auction' | 'fixed';
}

/** Every award of one job, oldest round first. */
export function awardsOf(job: V2BookJob): JobAward[] {
  const byRound = new Map<number, { block: number; price: bigint }>();
  for (const slot of job.slots) {
    const seen = byRound.get(slot.roundNo);
    if (!seen || slot.assignedBlock < seen.block) byRound.set(slot.roundNo, { block: slot.assignedBlock, price: seen?.price ?? slot.pricePerHour });
  }
  const awards: JobAward[] = [];
  for (const [roundNo, first] of [...byRound].sort((a, b) => a[0] - b[0])) {
    const auction = job.auctions.find((a) => a.roundNo === roundNo);
    // An auction's slots are assigned in the award's transaction at its uniform price; a round
    // with slots but no auction is a fixed-price claim at the posted price.
    if (auction && auction.pricePerHour === null) continue;
    awards.push({
      jobId: job.id,
      requester: job.requester.toLowerCase(),
      roundNo,
      block: first.block,
      microsPerHour: auction ? auction.pricePerHour! : first.price,
      kind: auction ? 'auction' : 'fixed',
    });
  }
  return awards;
}

/**
 * The class of a job from what its document asks for (resources.gpus, resources.minVramMiB).
 * The document is untrusted: one that the decoder refused, that is not a valid job document or
 * whose spec fails validation has no class (null): its awards count nowhere.
 */
export function hardwareClassOfJob(job: V2BookJob): HardwareClass | null {
  if (job.specError) return null;
  const parsed = parseMarketDocument(job.spec);
  return parsed.ok ? hardwareClassOf(parsed.spec.resources) : null;
}
