/**
 * Opens `<dataDir>/ledger.sqlite` (WAL) and brings it to the current schema. A file that is
 * not a database, or a damaged one, is moved aside with a timestamp (never deleted: the owner
 * may want it) and a fresh ledger is started; the chain then refills it (reconciliation).
 */
import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sqliteNativeOptions } from '../desktop/sqlite-native-binding';
import { AgentError } from '../../../shared/api/result';
import type { Logger } from '../ports';
import { LEDGER_SCHEMA_VERSION, ledgerMigrations } from './ledger-migrations';

export interface OpenedLedgerDb {
  db: Database.Database;
  /** Set when a damaged file was moved aside and this is a fresh ledger. */
  recovered: { movedTo: string; reason: string } | null;
}

const DAMAGE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

/** True for the errors that mean "this file is not a usable database", not a bug of ours. */
export function isDamagedDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DAMAGE_CODES.has(code);
}

/** Applies every migration above the stored version, each in its own transaction. */
export function migrateLedgerDb(db: Database.Database): { from: number; to: number } {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const from = row?.version ?? 0;
  if (from > LEDGER_SCHEMA_VERSION) {
    throw new AgentError(
      'ledger_too_new',
      `The earnings ledger was written by a newer RigShift (schema ${from}, this version knows ${LEDGER_SCHEMA_VERSION}).`,
      'Update RigShift, or start it with another --data-dir. The ledger file was left untouched.',
    );
  }
  for (const migration of ledgerMigrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(migration.version);
    })();
  }
  return { from, to: LEDGER_SCHEMA_VERSION };
}

function openAndMigrate(file: string): Database.Database {
  const db = new Database(file, sqliteNativeOptions());
  try {
    // The first statement reads the header: a file that is not SQLite fails here.
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a power cut may lose the last transactions, never corrupt the file; the
    // chain refills money rows anyway.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    migrateLedgerDb(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Moves the file and its WAL/SHM companions aside; returns where the main file went. */
export function moveAside(file: string, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

export function openLedgerDb(file: string, deps: { logger: Logger; now: () => Date }): OpenedLedgerDb {
  try {
    return { db: openAndMigrate(file), recovered: null };
  } catch (error) {
    if (!isDamagedDatabaseError(error)) throw error;
    const movedTo = moveAside(file, deps.now());
    const reason = error instanceof Error ? error.message : String(error);
    deps.logger.warn('ledger: the database file is damaged; moved aside, rebuilding from the chain', { movedTo, reason });
    return { db: openAndMigrate(file), recovered: { movedTo, reason } };
  }
}
