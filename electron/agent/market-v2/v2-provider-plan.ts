/**
 * What a provider does next on each v2 job, decided from the folded book (v2-book.ts), the
 * records (v2-records.ts), chain time and the agent's own record of its runs: a pure function,
 * so every rule is tested without a chain. The agent's v2 feature sends what it returns.
 *
 * - Bid the owner's floor: under the uniform second price a winner is paid the lowest losing
 *   ask, never its own, so asking less than the floor risks a loss-making win and asking more
 *   only loses auctions that would have paid above the floor (docs/MARKET-V2.md).
 * - Award an auction it bid in once the window closed (anyone may; a bidder has the reason to).
 * - Commit before runBy; reveal never early: only once every slot of the round committed (or
 *   runBy passed) and within the reveal window; a single replica reveals only in a dispute,
 *   once the verifier committed.
 * - Give a preemptible slot back once the owner took the device (or asked): release with the
 *   checkpoint the stopped run wrote and the seconds it served (never more than the job's
 *   duration left), or with nothing (0 s, no checkpoint: paid nothing, stake unlocked) when
 *   it wrote nothing or failed on our side. A run our side broke is never committed as a
 *   result (v2-provider.ts endedByItsOwnCode: a run the job's own code ended is).
 * - Collect what it is owed when nobody else will: finalize its submitted result once the
 *   challenge window passed without a dispute (a requester that never accepts must not keep
 *   the provider unpaid and its stake locked), conclude a round it committed in once the reveal
 *   window is over, and conclude an auction it bid in that nobody awarded by claimBy (its bond
 *   comes back).
 * - Redeliver to every URL the requester asked for while it keeps the results.
 * - Refuse requesters the owner's rule excludes (default: more than 2 disputes lost).
 */
import type { V2BookJob, V2BookSlot } from './v2-book';
import type { V2ProviderRecord, V2RequesterRecord } from './v2-records';

export interface RequesterRule {
  /** Jobs of requesters that lost more disputes than this are refused. */
  maxDisputesLost: number;
}
export const DEFAULT_REQUESTER_RULE: RequesterRule = { maxDisputesLost: 2 };

/**
 * The decision to hand a preemptible slot back, kept on disk until the release is mined. The
 * checkpoint (what the stopped run wrote) is the run's outputsDigest / salt / seconds; none
 * (null digest) is a release with nothing to show.
 */
export interface V2ReleaseIntent {
  /** Why, in words: the owner took the device back, gave it back, the run failed. */
  why: string;
  /** The container has stopped: the checkpoint is final and the release may go out. */
  stopped: boolean;
}

/** The agent's own record of a job it holds a slot in (kept on disk by the feature). */
export interface V2LocalRun {
  slot: number;
  /** Set once the container finished and its outputs were hashed. */
  outputsDigest: string | null;
  salt: string | null;
  /** Seconds to bill (the run's length, ≤ the job's duration). */
  seconds: number | null;
  /** Upload URLs the results were delivered to. */
  deliveredTo: string[];
  /** Set once the slot is to be handed back (preemptible jobs only). */
  release?: V2ReleaseIntent | null;
}

export interface V2PlanInput {
  /** This provider's address, lower case. */
  me: string;
  /** Chain time (seconds). */
  now: number;
  floorPerHour: bigint;
  challengeWindow: number;
  freeStake: bigint;
  minStake: bigint;
  myRecord: V2ProviderRecord;
  requesterRecord(address: string): V2RequesterRecord | undefined;
  rule: RequesterRule;
  /** Whether this machine can run the job's document (the caller's verdict). */
  fits(job: V2BookJob): boolean;
  runs: ReadonlyMap<string, V2LocalRun>;
  /** Chain time of the job's newest submission (result or checkpoint); unknown: no finalize yet. */
  submittedAt?(job: V2BookJob): number | undefined;
}

export type V2Action =
  | { kind: 'bid'; id: string; ask: bigint }
  | { kind: 'claim'; id: string }
  | { kind: 'award'; id: string }
  | { kind: 'run'; id: string; slot: number }
  | { kind: 'commit'; id: string; slot: number; outputsDigest: string; salt: string; billedSeconds: number }
  | { kind: 'reveal'; id: string; slot: number; outputsDigest: string; salt: string }
  /** checkpointDigest null (or servedSeconds 0): a release with nothing to show. */
  | { kind: 'release'; id: string; slot: number; servedSeconds: number; checkpointDigest: string | null; salt: string | null }
  | { kind: 'finalize'; id: string }
  | { kind: 'conclude'; id: string }
  | { kind: 'redeliver'; id: string; uploadUrl: string }
  | { kind: 'pass'; id: string; reason: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const roundSlots = (job: V2BookJob) => job.slots.filter((s) => s.roundNo === job.roundNo);
const needed = (job: V2BookJob) => (job.round === 'main' ? job.terms.replicas : 1);

/** Why this provider may not take the job's open round; null when it may. */
function ineligible(job: V2BookJob, input: V2PlanInput): string | null {
  if (same(job.requester, input.me)) return 'this is our own job';
  if (job.specError) return `the job is unusable: ${job.specError}`;
  if (job.slots.some((s) => same(s.provider, input.me))) return 'we already served this job (the contract bars a second turn)';
  if (input.myRecord.settled < job.terms.minProviderSettled) return `the job asks for ${job.terms.minProviderSettled} settled runs; we have ${input.myRecord.settled}`;
  if (job.terms.maxPricePerHour < input.floorPerHour) return 'its max price is below our floor';
  const requester = input.requesterRecord(job.requester);
  if (requester && requester.disputesLost > input.rule.maxDisputesLost) return `its requester lost ${requester.disputesLost} disputes (our rule: at most ${input.rule.maxDisputesLost})`;
  if (input.freeStake < input.minStake) return 'not enough free stake for the bond';
  if (!input.fits(job)) return 'it does not fit this machine';
  return null;
}

function openRound(job: V2BookJob, input: V2PlanInput): V2Action | null {
  const auction = job.auctions.find((a) => a.roundNo === job.roundNo);
  const myBid = auction?.bids.find((b) => same(b.provider, input.me));
  if (auction && myBid && input.now > job.bidEnds && input.now <= job.claimBy && auction.bids.length >= needed(job)) return { kind: 'award', id: job.id };
  // Nobody awarded it in time (too few bids): expiring the round gives our bond back.
  if (auction && myBid && input.now > job.claimBy) return { kind: 'conclude', id: job.id };
  if (myBid) return null;
  const why = ineligible(job, input);
  if (why) return { kind: 'pass', id: job.id, reason: why };
  if (job.bidEnds > 0) {
    if (input.now > job.bidEnds) return { kind: 'pass', id: job.id, reason: 'bidding has closed' };
    // The floor, never below one micro-dollar (the contract's least ask).
    return { kind: 'bid', id: job.id, ask: input.floorPerHour > 0n ? input.floorPerHour : 1n };
  }
  if (input.now > job.claimBy) return { kind: 'pass', id: job.id, reason: 'the claim window has closed' };
  return { kind: 'claim', id: job.id };
}

/** Whether `slot` may reveal now (never before the contract allows, never after the window). */
function mayReveal(job: V2BookJob, slot: V2BookSlot, input: V2PlanInput): boolean {
  if (slot.state !== 'committed') return false;
  if (input.now > job.runBy + input.challengeWindow) return false;
  if (job.round === 'verify') {
    const verifier = job.slots.find((s) => s.roundNo === job.roundNo);
    // The disputed provider reveals only after the verifier committed; the verifier once it has.
    return verifier !== undefined && verifier.state !== 'running' && (job.state === 'running' || job.state === 'open');
  }
  // A single replica's result is never revealed outside a dispute.
  if (slot.round === 'main' && job.terms.replicas === 1) return false;
  if (slot.roundNo !== job.roundNo && job.round !== 'main') return false;
  const round = roundSlots(job);
  const allCommitted = job.state === 'running' && round.length === needed(job) && round.every((s) => s.state === 'committed' || s.state === 'revealed');
  return allCommitted || input.now > job.runBy;
}

/** The next action for each job of the book this provider can act on (at most one per job). */
export function planV2(jobs: Iterable<V2BookJob>, input: V2PlanInput): V2Action[] {
  const actions: V2Action[] = [];
  for (const job of jobs) {
    if (job.state === 'settled' || job.state === 'refunded') {
      const mine = input.runs.get(job.id);
      const redeliver = mine && redelivery(job, mine);
      if (redeliver) actions.push(redeliver);
      continue;
    }
    const mySlots = job.slots.filter((s) => same(s.provider, input.me));
    const run = input.runs.get(job.id);
    const slot = mySlots.find((s) => s.slot === run?.slot) ?? mySlots[mySlots.length - 1];
    if (!slot) {
      if (job.state === 'open') {
        const action = openRound(job, input);
        if (action) actions.push(action);
      }
      continue;
    }
    if (slot.state === 'running' && run?.release) {
      // The container is still stopping: its checkpoint comes with it.
      if (!run.release.stopped) continue;
      if (input.now > job.runBy) actions.push({ kind: 'pass', id: job.id, reason: 'the run deadline passed before we could give the job back' });
      else actions.push(releaseOf(job, slot, run));
      continue;
    }
    if (slot.state === 'running') {
      if (!run || run.outputsDigest === null || run.salt === null || run.seconds === null) {
        if (!run) actions.push({ kind: 'run', id: job.id, slot: slot.slot });
        continue;
      }
      if (input.now > job.runBy) {
        actions.push({ kind: 'pass', id: job.id, reason: 'the run deadline passed before we could commit' });
        continue;
      }
      actions.push({ kind: 'commit', id: job.id, slot: slot.slot, outputsDigest: run.outputsDigest, salt: run.salt, billedSeconds: Math.max(1, Math.min(run.seconds, durationLeft(job, slot))) });
      continue;
    }
    if (run?.outputsDigest && run.salt && mayReveal(job, slot, input)) {
      actions.push({ kind: 'reveal', id: job.id, slot: slot.slot, outputsDigest: run.outputsDigest, salt: run.salt });
      continue;
    }
    const collect = collecting(job, slot, input);
    if (collect) {
      actions.push(collect);
      continue;
    }
    const redeliver = run && redelivery(job, run);
    if (redeliver) actions.push(redeliver);
  }
  return actions;
}

/** The call that pays us once its window is over and nobody else made it; null until then. */
function collecting(job: V2BookJob, slot: V2BookSlot, input: V2PlanInput): V2Action | null {
  if (job.state === 'submitted' && slot.state === 'committed') {
    const at = input.submittedAt?.(job);
    return at !== undefined && input.now > at + input.challengeWindow ? { kind: 'finalize', id: job.id } : null;
  }
  // Revealed only: a slot of ours that never revealed would be slashed by it (the requester's call, not ours).
  const ours = slot.roundNo === job.roundNo && slot.state === 'revealed';
  if (job.state === 'running' && ours && input.now > job.runBy + input.challengeWindow) return { kind: 'conclude', id: job.id };
  return null;
}

/**
 * The job's duration still for sale to `slot`: a released checkpoint that was paid shrank it
 * on chain (the contract bills no more than what is left).
 */
export function durationLeft(job: V2BookJob, slot: V2BookSlot): number {
  if (!job.terms.preemptible) return job.terms.maxDurationSeconds;
  const served = job.slots.filter((s) => s.slot < slot.slot && s.round === 'main' && s.state === 'paid').reduce((sum, s) => sum + (s.billedSeconds ?? 0), 0);
  return Math.max(0, job.terms.maxDurationSeconds - served);
}

/** The release of a stopped run: its checkpoint and the seconds served, or nothing to show. */
function releaseOf(job: V2BookJob, slot: V2BookSlot, run: V2LocalRun): V2Action {
  const seconds = Math.min(run.seconds ?? 0, durationLeft(job, slot));
  const shown = run.outputsDigest !== null && run.salt !== null && seconds > 0;
  return { kind: 'release', id: job.id, slot: slot.slot, servedSeconds: shown ? seconds : 0, checkpointDigest: shown ? run.outputsDigest : null, salt: shown ? run.salt : null };
}

/** The newest redelivery URL not yet delivered to, while we hold the results. */
function redelivery(job: V2BookJob, run: V2LocalRun): V2Action | null {
  if (run.outputsDigest === null) return null;
  const url = [...job.redeliveries].reverse().find((u) => !run.deliveredTo.includes(u));
  return url ? { kind: 'redeliver', id: job.id, uploadUrl: url } : null;
}
