/**
 * The ledger's telemetry store at a year of data: 525,600 one-minute readings of one GPU go
 * through the real ingest path (raw + minute + hour rollups, pruning), in day-sized batches;
 * then the 1-year chart query is timed (median of 20, target ≤ 200 ms) and the database's
 * size on disk is reported (file + WAL after a checkpoint).
 * Run alone: `npx tsx test/bench/ledger-figures.ts`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openLedgerDb } from '../../electron/agent/ledger/ledger-db';
import { createTelemetryStore, type TelemetryReading } from '../../electron/agent/ledger/telemetry-store';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import type { BenchFigure } from './figure';
import { median, round } from './figure';

const MINUTES_PER_YEAR = 525_600;

export function measureLedgerFigures(): BenchFigure[] {
  const dir = tempDir('rigshift-bench-ledger-');
  try {
    const file = join(dir.path, 'ledger.sqlite');
    const { db } = openLedgerDb(file, { logger: recordingLogger().logger, now: () => new Date() });
    const store = createTelemetryStore(db);
    const start = Date.UTC(2025, 0, 1);
    const ingestStarted = performance.now();
    for (let day = 0; day < MINUTES_PER_YEAR / 1440; day += 1) {
      const batch: TelemetryReading[] = [];
      for (let m = 0; m < 1440; m += 1) {
        const i = day * 1440 + m;
        // A plausible load: idle most of the night, rented in the evening, with noise.
        const busy = (m >= 1080 || m < 120) && day % 3 !== 0;
        batch.push({ device: 'GPU-bench', t: start + i * 60_000, powerW: busy ? 300 + (i % 37) : 18 + (i % 5), temperatureC: busy ? 72 + (i % 6) : 38 + (i % 3) });
      }
      store.ingest(batch);
    }
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const now = start + (MINUTES_PER_YEAR - 1) * 60_000;
    const timings: number[] = [];
    let points = 0;
    for (let run = 0; run < 20; run += 1) {
      const t0 = performance.now();
      points = store.series('GPU-bench', 'year', now).points.length;
      timings.push(performance.now() - t0);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    const size = (suffix: string) => {
      try {
        return statSync(file + suffix).size;
      } catch {
        return 0;
      }
    };
    const megabytes = (size('') + size('-wal')) / 1024 / 1024;
    const counts = store.counts();
    db.close();
    console.log(`      ledger rows after a year: raw ${counts.raw}, minute ${counts.minute}, hour ${counts.hour}; 1-year chart ${points} points`);
    return [
      { name: 'ledger: 1-year telemetry chart query (525,600 readings stored)', value: round(median(timings)), unit: 'ms', target: 200, better: 'lower' },
      { name: 'ledger: database size after a year of 1-minute telemetry', value: round(megabytes), unit: 'MB', target: 50, better: 'lower' },
      { name: 'ledger: ingest a year of 1-minute telemetry (raw + rollups)', value: round(ingestSeconds), unit: 's', target: 60, better: 'lower' },
    ];
  } finally {
    dir.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of measureLedgerFigures()) console.log(`${figure.name}: ${figure.value} ${figure.unit} (target ${figure.target})`);
}
