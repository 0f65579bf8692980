/**
 * A run that failed because of this machine, not the job: the Docker engine went away
 * while the container started or ran (restarted, upgraded, crashed), or the disk was full
 * when the results were saved. Such a run says
 * nothing about the requester's job, so a job that cannot be handed back (not preemptible)
 * runs again, a few times, while it can still finish before its run deadline: giving up
 * would let the requester take the provider's stake for the engine's hiccup.
 */
import type { JobRecord } from '../../../shared/domain/job';

/** Runs again after this many machine faults at most; then the job is given up as before. */
export const MAX_MACHINE_FAULT_RERUNS = 3;

/** Between a machine fault and the next try, times the number of tries so far. */
export const MACHINE_FAULT_WAIT_MS = 10_000;

/** What the engine client says when the engine is gone or going (dockerode, containerd, the socket). */
const ENGINE_GONE = /connection is closing|context canceled|ECONNREFUSED|ECONNRESET|EPIPE|socket hang up|Cannot connect to the Docker daemon|daemon is shutting down|no such container/i;

export const isEngineGone = (message: string): boolean => ENGINE_GONE.test(message);

export function isMachineFault(record: Pick<JobRecord, 'reason' | 'error'>): boolean {
  if (record.reason !== 'failed' || !record.error) return false;
  const { code, message } = record.error;
  // We lost track of the container: the engine went away under it.
  if (code === 'job_wait_failed') return true;
  // Our disk filled up while the results were saved.
  if (code === 'job_disk_full') return true;
  return code === 'job_start_failed' && isEngineGone(message);
}

/** The next try after a machine fault (how many so far, when), or undefined once they are used up. */
export function nextMachineRerun(reruns: number | undefined, nowMs: number): { machineReruns: number; nextRunAt: number } | undefined {
  const done = reruns ?? 0;
  if (done >= MAX_MACHINE_FAULT_RERUNS) return undefined;
  return { machineReruns: done + 1, nextRunAt: nowMs + MACHINE_FAULT_WAIT_MS * (done + 1) };
}
