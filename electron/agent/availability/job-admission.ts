/**
 * Whether a device may take a given job now. A preemptible job may be taken whenever the
 * device is available (it can be yielded at any moment). A job that is not preemptible
 * is taken only when the window it would run in covers its maximum duration: the owner's
 * hours must not end and a timed pause must not begin before it could finish.
 * The marketplace calls this before it bids.
 */
import type { GpuAvailability } from '../../../shared/domain/availability';
import type { Controls } from '../../../shared/domain/controls';
import { nextScheduleChange } from '../../../shared/domain/schedule';

export interface JobShape {
  preemptible: boolean;
  maxDurationSeconds: number;
}

export type Admission = { ok: true } | { ok: false; reason: string };

export function admitJob(device: GpuAvailability, job: JobShape, controls: Controls, now: Date): Admission {
  if (device.state !== 'available') {
    return { ok: false, reason: device.state === 'paused' ? device.headline : `the device is ${device.state}` };
  }
  if (job.preemptible) return { ok: true };
  let windowEnd: Date | null;
  try {
    windowEnd = nextScheduleChange(controls.schedule, now);
  } catch {
    return { ok: false, reason: 'the schedule cannot be evaluated (unknown time zone)' };
  }
  if (windowEnd === null) return { ok: true };
  const remainingSeconds = Math.floor((windowEnd.getTime() - now.getTime()) / 1000);
  if (remainingSeconds < job.maxDurationSeconds) {
    return {
      ok: false,
      reason: `the job may run ${Math.ceil(job.maxDurationSeconds / 60)} min and cannot be interrupted, but your hours end in ${Math.floor(remainingSeconds / 60)} min`,
    };
  }
  return { ok: true };
}
