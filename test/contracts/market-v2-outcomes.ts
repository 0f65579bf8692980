/**
 * The outcome invariants of the v2 fuzz model, read from one job's events once it has run:
 * honest (a majority or upheld digest is never slashed and is paid; whoever is paid gets at least
 * its ask for its billed time), loser-unpaid (a digest that lost to a majority or in a dispute is
 * never paid), requester-bound (an ended job cost its requester at most maxPrice x duration x
 * replicas plus the bond it lost).
 */
import type { Invariant, JobRecord } from './market-v2-fuzz';
import { runCostOf } from './market-v2-fixture';

const isFixedPrice = (job: JobRecord) => (job.events.find((e) => e.name === 'JobPosted')?.args.bidEnds as bigint) === 0n;

export function checkJobOutcome(job: JobRecord, checks: Set<Invariant>, fail: (invariant: Invariant, detail: string) => never): void {
  const ev = job.events.filter((e) => e.args.id === job.id);
  const digest = new Map<bigint, string>();
  const billed = new Map<bigint, bigint>();
  const holder = new Map<bigint, string>();
  const price = new Map<bigint, bigint>();
  const ask = new Map<string, bigint>();
  const paid = new Map<bigint, bigint>();
  const slashed = new Set<bigint>();
  let disputedSlot: bigint | null = null;
  let upheld: boolean | null = null;
  let lapsed = false;
  let bond = 0n;
  let escrow = 0n;
  let returned = 0n;
  let slotCount = 0n;
  let ended = false;
  for (const e of ev) {
    const a = e.args;
    switch (e.name) {
      case 'JobPosted': escrow = a.escrow as bigint; break;
      case 'BidPlaced': ask.set(String(a.provider).toLowerCase(), a.ask as bigint); break;
      case 'SlotAssigned':
        holder.set(a.slot as bigint, String(a.provider).toLowerCase());
        price.set(a.slot as bigint, a.pricePerHour as bigint);
        slotCount = (a.slot as bigint) + 1n;
        if ((a.round as bigint) === 2n) disputedSlot = (a.slot as bigint) - 1n;
        if (!ask.has(String(a.provider).toLowerCase()) || isFixedPrice(job)) ask.set(String(a.provider).toLowerCase(), a.pricePerHour as bigint);
        break;
      case 'Committed': billed.set(a.slot as bigint, a.billedSeconds as bigint); break;
      case 'Revealed': digest.set(a.slot as bigint, a.outputsDigest as string); break;
      case 'Released':
        if ((a.servedSeconds as bigint) > 0n) {
          digest.set(a.slot as bigint, a.checkpoint as string);
          billed.set(a.slot as bigint, a.servedSeconds as bigint);
        }
        break;
      case 'SlotPaid': paid.set(a.slot as bigint, a.gross as bigint); break;
      case 'Slashed': slashed.add(a.slot as bigint); break;
      case 'Disputed': bond = a.bond as bigint; break;
      case 'DisputeResolved': upheld = a.upheld as boolean; lapsed = a.lapsed as boolean; break;
      case 'JobSettled': returned += a.refund as bigint; ended = true; break;
      case 'JobRefunded': returned += a.amount as bigint; ended = true; break;
    }
  }
  // The majority digest of a replicated job (two votes or more).
  let majority: string | null = null;
  if (job.replicas > 1) {
    const votes = new Map<string, number>();
    for (const d of digest.values()) votes.set(d, (votes.get(d) ?? 0) + 1);
    for (const [d, n] of votes) if (n >= 2) majority = d;
  }
  for (let slot = 0n; slot < slotCount; slot++) {
    const d = digest.get(slot);
    const winner = (majority !== null && d === majority) || (slot === disputedSlot && upheld === true && !lapsed);
    const loser = (majority !== null && d !== undefined && d !== majority) || (slot === disputedSlot && upheld === false);
    const gross = paid.get(slot);
    const floor = ((ask.get(holder.get(slot)!) ?? 0n) * (billed.get(slot) ?? 0n)) / 3600n;
    if (winner && checks.has('honest')) {
      if (slashed.has(slot)) fail('honest', `job ${job.id} slot ${slot}: honest digest slashed`);
      if (gross === undefined) fail('honest', `job ${job.id} slot ${slot}: honest digest not paid`);
    }
    // Whoever is paid (an honest majority, an upheld or unchallenged result) gets at least its ask.
    if (gross !== undefined && gross < floor && checks.has('honest')) {
      fail('honest', `job ${job.id} slot ${slot}: paid ${gross} < ask floor ${floor} (price ${price.get(slot)})`);
    }
    if (loser && checks.has('loser-unpaid') && paid.has(slot)) fail('loser-unpaid', `job ${job.id} slot ${slot}: losing digest paid ${paid.get(slot)}`);
  }
  if (checks.has('requester-bound') && ended) {
    const bondBack = upheld === false || lapsed ? bond : 0n;
    const bondLost = bond - bondBack;
    const outlay = escrow + bond - returned - bondBack;
    const bound = runCostOf(job.maxPrice, job.duration) * BigInt(job.replicas) + bondLost;
    if (outlay > bound) fail('requester-bound', `job ${job.id}: requester paid ${outlay} > bound ${bound}`);
  }
}
