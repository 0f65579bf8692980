import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrateLedgerDb } from '../../../electron/agent/ledger/ledger-db';
import { createTelemetryStore, type TelemetryReading } from '../../../electron/agent/ledger/telemetry-store';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function freshDb() {
  const db = new Database(':memory:');
  migrateLedgerDb(db);
  return db;
}

const reading = (t: number, powerW: number | null, temperatureC: number | null = 60, device = 'GPU-a'): TelemetryReading => ({ device, t, powerW, temperatureC });

describe('telemetry rollups', () => {
  it('keeps minute and hour rollups equal to the raw readings (mean and max), across batches', () => {
    const db = freshDb();
    const store = createTelemetryStore(db);
    const readings: TelemetryReading[] = [];
    for (let s = 0; s < 2 * 3600; s += 1) readings.push(reading(T0 + s * 1000, 100 + (s % 60), 50 + (s % 7)));
    // Two batches that split minutes and hours in the middle: sums merge exactly.
    store.ingest(readings.slice(0, 4321));
    store.ingest(readings.slice(4321));
    const minute = db.prepare('SELECT * FROM telemetry_minute WHERE t = ?').get(T0 + 72 * MIN) as { power_sum: number; power_n: number; power_max: number; temp_max: number };
    expect(minute.power_n).toBe(60);
    expect(minute.power_sum / minute.power_n).toBeCloseTo(129.5, 6);
    expect(minute.power_max).toBe(159);
    expect(minute.temp_max).toBe(56);
    const hour = db.prepare('SELECT * FROM telemetry_hour WHERE t = ?').get(T0 + HOUR) as { power_sum: number; power_n: number; power_max: number; temp_max: number };
    expect(hour.power_n).toBe(3600);
    expect(hour.power_sum / hour.power_n).toBeCloseTo(129.5, 6);
    expect(store.counts()).toEqual({ raw: 7200, minute: 120, hour: 2 });
  });

  it('stores at most one reading per second per device and skips unreported values in the means', () => {
    const store = createTelemetryStore(freshDb());
    store.ingest([reading(T0, 100), reading(T0 + 300, 500), reading(T0 + 1000, null), reading(T0 + 2000, 200)]);
    expect(store.counts().raw).toBe(3);
    const points = store.series('GPU-a', 'day', T0 + 5000).points;
    expect(points).toHaveLength(1);
    expect(points[0]!.powerW).toBe(150);
    expect(points[0]!.powerMaxW).toBe(200);
  });

  it('deletes the oldest rows beyond the retention of each table (the size bound)', () => {
    const db = freshDb();
    const store = createTelemetryStore(db, { rawMs: HOUR, minuteMs: DAY, hourMs: 7 * DAY });
    const readings: TelemetryReading[] = [];
    // Ten days at one reading a minute.
    for (let m = 0; m < 10 * 24 * 60; m += 1) readings.push(reading(T0 + m * MIN, 200));
    for (let i = 0; i < readings.length; i += 500) store.ingest(readings.slice(i, i + 500));
    const last = readings[readings.length - 1]!.t;
    const oldest = (table: string) => db.prepare(`SELECT min(t) FROM ${table}`).pluck().get() as number;
    expect(oldest('telemetry_raw')).toBeGreaterThanOrEqual(last - HOUR - MIN);
    expect(oldest('telemetry_minute')).toBeGreaterThanOrEqual(last - DAY - MIN);
    expect(oldest('telemetry_hour')).toBeGreaterThanOrEqual(last - 7 * DAY - HOUR);
    const counts = store.counts();
    expect(counts.raw).toBeLessThanOrEqual(62);
    expect(counts.minute).toBeLessThanOrEqual(24 * 60 + 2);
    expect(counts.hour).toBeLessThanOrEqual(7 * 24 + 2);
  });

  it('serves each chart range at a resolution that keeps a year under 9,000 points', () => {
    const store = createTelemetryStore(freshDb());
    const readings: TelemetryReading[] = [];
    for (let m = 0; m < 366 * 24 * 60; m += 1) readings.push(reading(T0 + m * MIN, 150 + (m % 100)));
    for (let i = 0; i < readings.length; i += 10_000) store.ingest(readings.slice(i, i + 10_000));
    const now = readings[readings.length - 1]!.t;
    const year = store.series('GPU-a', 'year', now);
    expect(year.resolution).toBe('hour');
    expect(year.points.length).toBeGreaterThan(8700);
    expect(year.points.length).toBeLessThanOrEqual(9000);
    const week = store.series('GPU-a', 'week', now);
    expect(week.resolution).toBe('10-minute');
    expect(week.points.length).toBeLessThanOrEqual(1009);
    const day = store.series('GPU-a', 'day', now);
    expect(day.resolution).toBe('minute');
    expect(day.points.length).toBeLessThanOrEqual(1441);
    expect(store.series('GPU-other', 'year', now).points).toEqual([]);
  });

  it('gives power readings for energy: raw where kept, minute means once raw is gone', () => {
    const store = createTelemetryStore(freshDb(), { rawMs: HOUR, minuteMs: DAY, hourMs: 7 * DAY });
    const readings: TelemetryReading[] = [];
    for (let s = 0; s < 3 * 3600; s += 1) readings.push(reading(T0 + s * 1000, s < 3600 ? 100 : 300));
    store.ingest(readings);
    const recent = store.powerSamples('GPU-a', T0 + 2.5 * HOUR, T0 + 2.6 * HOUR);
    expect(recent.length).toBeGreaterThan(300); // per-second readings
    const old = store.powerSamples('GPU-a', T0 + 10 * MIN, T0 + 20 * MIN);
    expect(old.map((p) => p.t - (T0 + 9 * MIN))).toEqual(Array.from({ length: 12 }, (_, i) => i * MIN));
    expect(old.every((p) => p.powerW === 100)).toBe(true);
  });
});
