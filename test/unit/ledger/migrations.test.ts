import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../../shared/api/result';
import { migrateLedgerDb, openLedgerDb } from '../../../electron/agent/ledger/ledger-db';
import { LEDGER_SCHEMA_VERSION, ledgerMigrations } from '../../../electron/agent/ledger/ledger-migrations';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const now = () => new Date('2026-03-01T12:00:00Z');

describe('ledger database migrations', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('rigshift-ledger-mig-');
  });
  afterEach(() => dir.cleanup());
  const file = () => join(dir.path, `ledger-${Math.random().toString(36).slice(2)}.sqlite`);

  it('creates every table on a fresh file, in WAL mode, and records the version', () => {
    const { db, recovered } = openLedgerDb(file(), { logger: recordingLogger().logger, now });
    expect(recovered).toBeNull();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['chains', 'jobs', 'withdrawals', 'annotations', 'telemetry_raw', 'telemetry_minute', 'telemetry_hour', 'availability_hours', 'schema_version']),
    );
    expect(db.prepare('SELECT version FROM schema_version').pluck().get()).toBe(LEDGER_SCHEMA_VERSION);
    db.close();
  });

  it('applies only the missing migrations, in order, and keeps the data', () => {
    const path = file();
    const db = new Database(path);
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    ledgerMigrations[0]!.up(db);
    db.prepare('INSERT INTO schema_version VALUES (1)').run();
    db.prepare("INSERT INTO meta VALUES ('gasCoinMicros', '3000000000')").run();
    expect(migrateLedgerDb(db)).toEqual({ from: 1, to: LEDGER_SCHEMA_VERSION });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'gasCoinMicros'").pluck().get()).toBe('3000000000');
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'telemetry_hour'").pluck().get()).toBe(1);
    // Running again is a no-op.
    expect(migrateLedgerDb(db)).toEqual({ from: LEDGER_SCHEMA_VERSION, to: LEDGER_SCHEMA_VERSION });
    db.close();
  });

  it('refuses a ledger written by a newer version and leaves it untouched', () => {
    const path = file();
    const db = new Database(path);
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999)');
    db.close();
    let error: unknown;
    try {
      openLedgerDb(path, { logger: recordingLogger().logger, now });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).code).toBe('ledger_too_new');
    expect(existsSync(path)).toBe(true);
    const again = new Database(path);
    expect(again.prepare('SELECT version FROM schema_version').pluck().get()).toBe(999);
    again.close();
  });

  it('moves a file that is not SQLite aside with a timestamp and starts a fresh ledger', () => {
    const path = join(dir.path, 'ledger.sqlite');
    writeFileSync(path, 'this is not a database, just some bytes '.repeat(200));
    const { logger, entries } = recordingLogger();
    const { db, recovered } = openLedgerDb(path, { logger, now });
    expect(recovered?.movedTo).toBe(`${path}.corrupt-2026-03-01T12-00-00-000Z`);
    expect(readdirSync(dir.path)).toContain('ledger.sqlite.corrupt-2026-03-01T12-00-00-000Z');
    expect(db.prepare('SELECT version FROM schema_version').pluck().get()).toBe(LEDGER_SCHEMA_VERSION);
    expect(entries.some((e) => e.level === 'warn' && /damaged/.test(e.message))).toBe(true);
    db.close();
  });
});
