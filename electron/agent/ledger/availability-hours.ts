/**
 * "Hours available vs rented" from the availability reports: time each device spends
 * available or renting (offered to the market) and renting (rented), summed per UTC hour.
 * Time is credited when it has passed, on each report and on a timer, so a crash loses at
 * most one tick; a gap longer than MAX_TICK_GAP_MS (the PC slept, the agent was stopped) is
 * not credited to anything.
 */
import type Database from 'better-sqlite3';
import type { AvailabilityReport, AvailabilityState } from '../../../shared/domain/availability';

const HOUR = 3_600_000;
export const MAX_TICK_GAP_MS = 5 * 60_000;

export interface HourTotals {
  /** UTC hour start (epoch ms). */
  t: number;
  availableSeconds: number;
  rentedSeconds: number;
}

export interface AvailabilityHours {
  /** A new report: credits the time since the last tick to the previous states, then keeps the new ones. */
  observe(report: AvailabilityReport, nowMs: number): void;
  /** Credits the time since the last tick to the current states. */
  tick(nowMs: number): void;
  /** Hours with any time, summed over devices, in [fromMs, toMs). */
  hours(fromMs: number, toMs: number): HourTotals[];
}

export function createAvailabilityHours(db: Database.Database): AvailabilityHours {
  const upsert = db.prepare(`INSERT INTO availability_hours (device, t, available_s, rented_s) VALUES (?, ?, ?, ?)
    ON CONFLICT (device, t) DO UPDATE SET available_s = available_s + excluded.available_s, rented_s = rented_s + excluded.rented_s`);
  const select = db.prepare(`SELECT t, sum(available_s) AS availableSeconds, sum(rented_s) AS rentedSeconds
    FROM availability_hours WHERE t >= ? AND t < ? GROUP BY t ORDER BY t`);
  let states = new Map<string, AvailabilityState>();
  let lastTick: number | null = null;

  const credit = db.transaction((fromMs: number, toMs: number) => {
    for (const [device, state] of states) {
      if (state !== 'available' && state !== 'renting') continue;
      const rented = state === 'renting';
      // Split the interval at hour boundaries.
      for (let start = fromMs; start < toMs; ) {
        const hour = start - (start % HOUR);
        const end = Math.min(toMs, hour + HOUR);
        const seconds = (end - start) / 1000;
        upsert.run(device, hour, seconds, rented ? seconds : 0);
        start = end;
      }
    }
  });

  const tick = (nowMs: number) => {
    if (lastTick !== null && nowMs > lastTick && nowMs - lastTick <= MAX_TICK_GAP_MS) credit(lastTick, nowMs);
    lastTick = nowMs;
  };

  return {
    observe(report, nowMs) {
      tick(nowMs);
      states = new Map(report.gpus.map((gpu) => [gpu.gpuUuid, gpu.state]));
    },
    tick,
    hours: (fromMs, toMs) => select.all(fromMs - (fromMs % HOUR), toMs) as HourTotals[],
  };
}
