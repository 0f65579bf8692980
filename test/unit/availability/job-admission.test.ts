import { describe, expect, it } from 'vitest';
import { admitJob } from '../../../electron/agent/availability/job-admission';
import type { GpuAvailability } from '../../../shared/domain/availability';
import { controls, dailyCells, GPU } from './fixtures';

const NOON = new Date('2026-11-23T12:00:00Z');
const available: GpuAvailability = { gpuUuid: GPU, gpuName: 'x', state: 'available', reasons: [], headline: 'Available', since: NOON.toISOString() };
// Hours 08:00–14:00 UTC every day: at noon, two hours remain.
const dayShift = controls({ schedule: { timeZone: 'UTC', cells: dailyCells(16, 28) } });

describe('job admission', () => {
  it('takes a preemptible job whenever the device is available', () => {
    expect(admitJob(available, { preemptible: true, maxDurationSeconds: 86_400 }, dayShift, NOON)).toEqual({ ok: true });
  });

  it('takes a non-preemptible job only if it can finish before the owner\'s hours end', () => {
    expect(admitJob(available, { preemptible: false, maxDurationSeconds: 7_200 }, dayShift, NOON)).toEqual({ ok: true });
    const refused = admitJob(available, { preemptible: false, maxDurationSeconds: 7_201 }, dayShift, NOON);
    expect(refused).toEqual({ ok: false, reason: expect.stringContaining('your hours end in 120 min') });
  });

  it('has no window limit when the schedule never ends', () => {
    expect(admitJob(available, { preemptible: false, maxDurationSeconds: 10 ** 7 }, controls(), NOON)).toEqual({ ok: true });
  });

  it('takes nothing on a paused or busy device, saying why', () => {
    const paused = { ...available, state: 'paused' as const, headline: 'Paused: game.exe is running' };
    expect(admitJob(paused, { preemptible: true, maxDurationSeconds: 60 }, controls(), NOON)).toEqual({ ok: false, reason: 'Paused: game.exe is running' });
    expect(admitJob({ ...available, state: 'renting' }, { preemptible: true, maxDurationSeconds: 60 }, controls(), NOON).ok).toBe(false);
  });
});
