/**
 * GPU telemetry kept for charts and energy: raw readings for the last day (at most one per
 * second per device), minute rollups for 30 days, hour rollups for 5 years. Every ingest
 * updates all three in one transaction, so a rollup never misses a reading, and old rows are
 * deleted per device by age. That bounds the size: per device at most 86,400 raw rows,
 * 43,200 minute rows and 43,800 hour rows, whatever the uptime.
 */
import type Database from 'better-sqlite3';
import type { EarningsRange, PowerSample, TelemetryPoint, TelemetryResolution } from '../../../shared/domain/earnings';

export interface TelemetryReading {
  device: string;
  /** Epoch ms. */
  t: number;
  powerW: number | null;
  temperatureC: number | null;
}

export interface TelemetryRetention {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const DEFAULT_RETENTION: TelemetryRetention = { rawMs: DAY, minuteMs: 30 * DAY, hourMs: 5 * 365 * DAY };

/** Which table and grouping serves each chart range: never more than ~9k points. */
const SERIES_PLAN: Record<EarningsRange, { resolution: TelemetryResolution; spanMs: number }> = {
  day: { resolution: 'minute', spanMs: DAY }, // ≤ 1,440 points
  week: { resolution: '10-minute', spanMs: 7 * DAY }, // ≤ 1,008
  month: { resolution: 'hour', spanMs: 30 * DAY }, // ≤ 720
  year: { resolution: 'hour', spanMs: 365 * DAY }, // ≤ 8,760
};

interface Partial {
  powerSum: number;
  powerN: number;
  powerMax: number | null;
  tempSum: number;
  tempN: number;
  tempMax: number | null;
}

const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function rollupUpsert(table: 'telemetry_minute' | 'telemetry_hour') {
  // Sums and counts merge exactly; max() of SQLite returns NULL if either side is NULL.
  return `INSERT INTO ${table} (device, t, power_sum, power_n, power_max, temp_sum, temp_n, temp_max)
    VALUES (@device, @t, @powerSum, @powerN, @powerMax, @tempSum, @tempN, @tempMax)
    ON CONFLICT (device, t) DO UPDATE SET
      power_sum = power_sum + excluded.power_sum, power_n = power_n + excluded.power_n,
      power_max = coalesce(max(power_max, excluded.power_max), power_max, excluded.power_max),
      temp_sum = temp_sum + excluded.temp_sum, temp_n = temp_n + excluded.temp_n,
      temp_max = coalesce(max(temp_max, excluded.temp_max), temp_max, excluded.temp_max)`;
}

export interface TelemetryStore {
  /** Stores readings (any order, any devices) and rolls them up; prunes by age per device. */
  ingest(readings: readonly TelemetryReading[]): void;
  /** The chart series for a range ending at `nowMs`, at the resolution the range calls for. */
  series(device: string, range: EarningsRange, nowMs: number): { resolution: TelemetryResolution; points: TelemetryPoint[] };
  /** Power readings covering [fromMs, toMs]: raw where kept, else minute averages. */
  powerSamples(device: string, fromMs: number, toMs: number): PowerSample[];
  devices(): string[];
  counts(): { raw: number; minute: number; hour: number };
}

export function createTelemetryStore(db: Database.Database, retention: TelemetryRetention = DEFAULT_RETENTION): TelemetryStore {
  const insertRaw = db.prepare('INSERT OR IGNORE INTO telemetry_raw (device, t, power, temperature) VALUES (?, ?, ?, ?)');
  const upsertMinute = db.prepare(rollupUpsert('telemetry_minute'));
  const upsertHour = db.prepare(rollupUpsert('telemetry_hour'));
  const lastRaw = db.prepare('SELECT max(t) AS t FROM telemetry_raw WHERE device = ?').pluck();
  const prune = {
    raw: db.prepare('DELETE FROM telemetry_raw WHERE device = ? AND t < ?'),
    minute: db.prepare('DELETE FROM telemetry_minute WHERE device = ? AND t < ?'),
    hour: db.prepare('DELETE FROM telemetry_hour WHERE device = ? AND t < ?'),
  };
  // The newest stored reading per device: readings closer than 1 s to it are dropped (the bound).
  const newest = new Map<string, number>();
  const lastPrune = new Map<string, number>();

  const addTo = (map: Map<string, Partial & { device: string; t: number }>, device: string, t: number, r: TelemetryReading) => {
    const key = `${device}\u0000${t}`;
    let p = map.get(key);
    if (!p) {
      p = { device, t, powerSum: 0, powerN: 0, powerMax: null, tempSum: 0, tempN: 0, tempMax: null };
      map.set(key, p);
    }
    if (r.powerW !== null && Number.isFinite(r.powerW)) {
      p.powerSum += r.powerW;
      p.powerN += 1;
      p.powerMax = maxOf(p.powerMax, r.powerW);
    }
    if (r.temperatureC !== null && Number.isFinite(r.temperatureC)) {
      p.tempSum += r.temperatureC;
      p.tempN += 1;
      p.tempMax = maxOf(p.tempMax, r.temperatureC);
    }
  };

  const ingest = db.transaction((readings: readonly TelemetryReading[]) => {
    const minutes = new Map<string, Partial & { device: string; t: number }>();
    const hours = new Map<string, Partial & { device: string; t: number }>();
    const sorted = [...readings].sort((a, b) => a.t - b.t);
    for (const r of sorted) {
      if (!Number.isFinite(r.t)) continue;
      let last = newest.get(r.device);
      if (last === undefined) {
        last = (lastRaw.get(r.device) as number | null) ?? Number.NEGATIVE_INFINITY;
        newest.set(r.device, last);
      }
      if (r.t < last + 1000 && r.t >= last) continue;
      if (insertRaw.run(r.device, r.t, r.powerW, r.temperatureC).changes === 0) continue;
      if (r.t > last) newest.set(r.device, r.t);
      addTo(minutes, r.device, r.t - (r.t % MINUTE), r);
      addTo(hours, r.device, r.t - (r.t % HOUR), r);
    }
    for (const p of minutes.values()) upsertMinute.run(p);
    for (const p of hours.values()) upsertHour.run(p);
    for (const [device, t] of newest) {
      // Pruning scans by (device, t): cheap, but once a minute per device is enough.
      if ((lastPrune.get(device) ?? Number.NEGATIVE_INFINITY) > t - MINUTE) continue;
      lastPrune.set(device, t);
      prune.raw.run(device, t - retention.rawMs);
      prune.minute.run(device, t - retention.minuteMs);
      prune.hour.run(device, t - retention.hourMs);
    }
  });

  const seriesQuery = {
    minute: db.prepare(`SELECT t, power_sum, power_n, power_max, temp_sum, temp_n, temp_max
      FROM telemetry_minute WHERE device = ? AND t >= ? AND t <= ? ORDER BY t`),
    tenMinute: db.prepare(`SELECT t - (t % 600000) AS t, sum(power_sum) AS power_sum, sum(power_n) AS power_n,
      max(power_max) AS power_max, sum(temp_sum) AS temp_sum, sum(temp_n) AS temp_n, max(temp_max) AS temp_max
      FROM telemetry_minute WHERE device = ? AND t >= ? AND t <= ? GROUP BY t - (t % 600000) ORDER BY 1`),
    hour: db.prepare(`SELECT t, power_sum, power_n, power_max, temp_sum, temp_n, temp_max
      FROM telemetry_hour WHERE device = ? AND t >= ? AND t <= ? ORDER BY t`),
  };
  type RollupRow = { t: number; power_sum: number; power_n: number; power_max: number | null; temp_sum: number; temp_n: number; temp_max: number | null };
  const toPoint = (r: RollupRow): TelemetryPoint => ({
    t: r.t,
    powerW: r.power_n > 0 ? Math.round((r.power_sum / r.power_n) * 10) / 10 : null,
    powerMaxW: r.power_max,
    temperatureC: r.temp_n > 0 ? Math.round((r.temp_sum / r.temp_n) * 10) / 10 : null,
    temperatureMaxC: r.temp_max,
  });

  const rawRange = db.prepare('SELECT t, power AS powerW FROM telemetry_raw WHERE device = ? AND t >= ? AND t <= ? ORDER BY t');
  const oldestRaw = db.prepare('SELECT min(t) FROM telemetry_raw WHERE device = ?').pluck();
  const minuteRange = db.prepare(
    'SELECT t, CASE WHEN power_n > 0 THEN power_sum / power_n END AS powerW FROM telemetry_minute WHERE device = ? AND t >= ? AND t <= ? ORDER BY t',
  );

  return {
    ingest: (readings) => ingest(readings),
    series(device, range, nowMs) {
      const plan = SERIES_PLAN[range];
      const from = nowMs - plan.spanMs;
      const query =
        plan.resolution === 'minute' ? seriesQuery.minute : plan.resolution === '10-minute' ? seriesQuery.tenMinute : seriesQuery.hour;
      const rows = query.all(device, from, nowMs) as RollupRow[];
      return { resolution: plan.resolution, points: rows.map(toPoint) };
    },
    powerSamples(device, fromMs, toMs) {
      const oldest = oldestRaw.get(device) as number | null;
      // One minute of lead-in so the reading in force at the window start is included.
      if (oldest !== null && oldest <= fromMs) return rawRange.all(device, fromMs - MINUTE, toMs) as PowerSample[];
      return minuteRange.all(device, fromMs - MINUTE, toMs) as PowerSample[];
    },
    devices: () =>
      db.prepare('SELECT DISTINCT device FROM telemetry_hour UNION SELECT DISTINCT device FROM telemetry_raw').pluck().all() as string[],
    counts: () => ({
      raw: db.prepare('SELECT count(*) FROM telemetry_raw').pluck().get() as number,
      minute: db.prepare('SELECT count(*) FROM telemetry_minute').pluck().get() as number,
      hour: db.prepare('SELECT count(*) FROM telemetry_hour').pluck().get() as number,
    }),
  };
}
