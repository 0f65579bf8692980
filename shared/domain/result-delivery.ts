/**
 * How the provider delivers a finished job's results to the requester's upload endpoint
 * when that endpoint fails, and when it stops trying.
 *
 * Retries back off exponentially with jitter (first retry after at least 2 s, at most
 * about 5 min apart) and stop after a bounded number of attempts and bytes. Whatever the
 * endpoint does, the provider never lets a requester's failure cost it its stake: with
 * today's contract an unsubmitted job is refunded after runBy and the stake slashed, so the
 * commitment (the outputs' digest) is submitted anyway before runBy, and the results are
 * kept on this machine for re-delivery.
 */

export const DELIVERY_POLICY = {
  /** The first retry waits at least this long. */
  firstRetryMs: 2_000,
  /** Retries are at most this far apart (before jitter, which only adds). */
  maxRetryMs: 5 * 60_000,
  /** Attempts in all (the first one included). */
  maxAttempts: 8,
  /** Bytes sent in all, as a multiple of the archive's size. */
  maxBytesFactor: 8,
  /** The submit must be mined before runBy: give up on delivery this long before it. */
  submitBeforeRunBySeconds: 30,
} as const;

/** The wait before retry number `failures` (1 = after the first failure): 2 s, 4 s, 8 s … 5 min, plus up to 50 % jitter. */
export function retryDelayMs(failures: number, random: () => number): number {
  const base = Math.min(DELIVERY_POLICY.maxRetryMs, DELIVERY_POLICY.firstRetryMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base + base * 0.5 * Math.min(1, Math.max(0, random())));
}

export interface DeliveryState {
  /** Unix ms now and chain seconds now (deadlines are chain time). */
  nowMs: number;
  chainNow: number;
  runBy: number;
  attempts: number;
  bytesSent: number;
  archiveBytes: number;
  /** Unix ms before which no new attempt is made. */
  nextAttemptAt: number;
  /** The last failure cannot get better by retrying (a refused or private upload host). */
  permanent: boolean;
}

export type DeliveryDecision = { kind: 'upload' } | { kind: 'wait'; untilMs: number } | { kind: 'submit-undelivered'; why: string };

/** What to do now with results not yet delivered. */
export function deliveryDecision(s: DeliveryState): DeliveryDecision {
  const lastSafe = s.runBy - DELIVERY_POLICY.submitBeforeRunBySeconds;
  if (s.permanent) return { kind: 'submit-undelivered', why: 'the upload endpoint cannot be used' };
  if (s.attempts >= DELIVERY_POLICY.maxAttempts) return { kind: 'submit-undelivered', why: `${s.attempts} upload attempts failed` };
  if (s.archiveBytes > 0 && s.bytesSent + s.archiveBytes > s.archiveBytes * DELIVERY_POLICY.maxBytesFactor) {
    return { kind: 'submit-undelivered', why: `${s.bytesSent} bytes were sent without success` };
  }
  if (s.chainNow >= lastSafe) return { kind: 'submit-undelivered', why: 'the run deadline is close' };
  if (s.nowMs < s.nextAttemptAt) {
    // A retry that would come after the last safe moment is not waited for.
    if (s.chainNow + Math.ceil((s.nextAttemptAt - s.nowMs) / 1000) >= lastSafe) return { kind: 'submit-undelivered', why: 'the next retry would be too close to the run deadline' };
    return { kind: 'wait', untilMs: s.nextAttemptAt };
  }
  return { kind: 'upload' };
}
