import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AvailabilityReport, AvailabilityState } from '../../../shared/domain/availability';
import { createAvailabilityHours } from '../../../electron/agent/ledger/availability-hours';
import { migrateLedgerDb } from '../../../electron/agent/ledger/ledger-db';

const T0 = Date.UTC(2026, 0, 1, 10, 30);
const MIN = 60_000;

const report = (states: Record<string, AvailabilityState>): AvailabilityReport => ({
  gpus: Object.entries(states).map(([gpuUuid, state]) => ({ gpuUuid, gpuName: 'x', state, reasons: [], headline: '', since: new Date(T0).toISOString() })),
  powerLimits: [],
  presence: null,
  history: [],
});

describe('hours available vs rented', () => {
  it('credits available and renting time per hour, split at hour boundaries, summed over GPUs', () => {
    const db = new Database(':memory:');
    migrateLedgerDb(db);
    const hours = createAvailabilityHours(db);
    hours.observe(report({ a: 'available', b: 'paused' }), T0);
    for (const m of [4, 8, 12, 16]) hours.tick(T0 + m * MIN);
    hours.observe(report({ a: 'renting', b: 'available' }), T0 + 20 * MIN); // 10:50
    for (const m of [24, 28, 32, 36]) hours.tick(T0 + m * MIN);
    hours.observe(report({ a: 'paused', b: 'paused' }), T0 + 40 * MIN); // 11:10
    hours.tick(T0 + 44 * MIN);
    const rows = hours.hours(T0 - 3_600_000, T0 + 3_600_000);
    expect(rows).toEqual([
      // 10:30-10:50 a available (20 min); 10:50-11:00 a renting + b available (2 × 10 min)
      { t: Date.UTC(2026, 0, 1, 10), availableSeconds: 40 * 60, rentedSeconds: 10 * 60 },
      // 11:00-11:10 a renting + b available
      { t: Date.UTC(2026, 0, 1, 11), availableSeconds: 20 * 60, rentedSeconds: 10 * 60 },
    ]);
  });

  it('credits nothing across a gap longer than a few minutes (the PC slept)', () => {
    const db = new Database(':memory:');
    migrateLedgerDb(db);
    const hours = createAvailabilityHours(db);
    hours.observe(report({ a: 'available' }), T0);
    hours.tick(T0 + 60 * MIN);
    hours.tick(T0 + 61 * MIN);
    expect(hours.hours(T0 - 3_600_000, T0 + 7_200_000)).toEqual([{ t: Date.UTC(2026, 0, 1, 11), availableSeconds: 60, rentedSeconds: 0 }]);
  });
});
