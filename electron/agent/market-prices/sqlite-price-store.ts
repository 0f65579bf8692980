/**
 * The price points in `<dataDir>/market-prices.sqlite` (WAL), beside the ledger and opened
 * the same way (ledger/ledger-db.ts): a damaged file is moved aside and a fresh store started;
 * the chain refills what is still in the book. Prices are TEXT (bigint micros), never floats.
 */
import Database from 'better-sqlite3';
import { sqliteNativeOptions } from '../desktop/sqlite-native-binding';
import { isDamagedDatabaseError, moveAside } from '../ledger/ledger-db';
import type { Logger } from '../ports';
import { type HardwareClass, HardwareClassSchema } from '../../../shared/domain/market-prices';
import type { PricePoint, PricePointStore } from './price-store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS price_points (
  market TEXT NOT NULL,
  job_id TEXT NOT NULL,
  requester TEXT NOT NULL,
  round_no INTEGER NOT NULL,
  block INTEGER NOT NULL,
  time INTEGER NOT NULL,
  hardware_class TEXT NOT NULL,
  micros_per_hour TEXT NOT NULL,
  kind TEXT NOT NULL,
  PRIMARY KEY (market, job_id, round_no)
);
CREATE INDEX IF NOT EXISTS price_points_by_time ON price_points (market, time);
CREATE INDEX IF NOT EXISTS price_points_by_block ON price_points (market, block);
`;

interface Row {
  market: string;
  job_id: string;
  requester: string;
  round_no: number;
  block: number;
  time: number;
  hardware_class: string;
  micros_per_hour: string;
  kind: string;
}

function open(file: string): Database.Database {
  const db = new Database(file, sqliteNativeOptions());
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

const CLASSES = new Set<string>(HardwareClassSchema.options);

/** A row as a point; null for a row this version cannot read (written by a newer one, say). */
function toPoint(row: Row): PricePoint | null {
  if (!CLASSES.has(row.hardware_class) || !/^\d{1,30}$/.test(row.micros_per_hour)) return null;
  return {
    market: row.market,
    jobId: row.job_id,
    requester: row.requester,
    roundNo: row.round_no,
    block: row.block,
    time: row.time,
    hardwareClass: row.hardware_class as HardwareClass,
    microsPerHour: BigInt(row.micros_per_hour),
    kind: row.kind === 'fixed' ? 'fixed' : 'auction',
  };
}

export function openSqlitePriceStore(file: string, deps: { logger: Logger; now: () => Date }): PricePointStore {
  let db: Database.Database;
  try {
    db = open(file);
  } catch (error) {
    if (!isDamagedDatabaseError(error)) throw error;
    const movedTo = moveAside(file, deps.now());
    deps.logger.warn('market prices: the database file is damaged; moved aside, refilling from the chain', { movedTo });
    db = open(file);
  }
  const insert = db.prepare(
    'INSERT OR REPLACE INTO price_points (market, job_id, requester, round_no, block, time, hardware_class, micros_per_hour, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const deleteJob = db.prepare('DELETE FROM price_points WHERE market = ? AND job_id = ?');
  const replace = db.transaction((market: string, jobId: string, points: readonly PricePoint[]) => {
    deleteJob.run(market, jobId);
    for (const p of points) {
      if (p.market !== market || p.jobId !== jobId) throw new Error(`price point of ${p.market}/${p.jobId} given for ${market}/${jobId}`);
      insert.run(market, jobId, p.requester, p.roundNo, p.block, p.time, p.hardwareClass, p.microsPerHour.toString(), p.kind);
    }
  });
  const removeAbove = db.prepare('DELETE FROM price_points WHERE market = ? AND block > ?');
  const prune = db.prepare('DELETE FROM price_points WHERE time < ?');
  const list = db.prepare('SELECT * FROM price_points WHERE market = ? AND time >= ? ORDER BY time, block, job_id, round_no');
  return {
    replaceJob: (market, jobId, points) => replace(market, jobId, points),
    removeAbove: (market, block) => removeAbove.run(market, block).changes,
    pruneBefore: (time) => prune.run(time).changes,
    list: (market, since) => (list.all(market, since) as Row[]).map(toPoint).filter((p): p is PricePoint => p !== null),
    close: () => db.close(),
  };
}
