/**
 * Numbered migrations of the ledger database, applied in order inside one transaction each.
 * Never edit a shipped migration: add the next one. `schema_version` holds the last applied.
 *
 * Amounts are TEXT decimal strings: uint256 token amounts and wei do not fit SQLite's 64-bit
 * INTEGER in general, and the agent sums them as bigint anyway.
 */
import type Database from 'better-sqlite3';

export interface LedgerMigration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

const m0001: LedgerMigration = {
  version: 1,
  description: 'chains, job rows, withdrawals, chain log cache, receipts, annotations, meta',
  up(db) {
    db.exec(`
      -- One row per chain identity: a restarted devnet (new genesis) is a new chain.
      CREATE TABLE chains (
        id INTEGER PRIMARY KEY,
        chain_id INTEGER NOT NULL,
        market TEXT NOT NULL,
        genesis_hash TEXT NOT NULL,
        label TEXT NOT NULL,
        is_devnet INTEGER NOT NULL,
        token_symbol TEXT NOT NULL,
        deployment_block INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        UNIQUE (chain_id, market, genesis_hash)
      );
      -- Derived from the chain only: rebuilt by reconciliation.
      CREATE TABLE jobs (
        chain INTEGER NOT NULL REFERENCES chains(id),
        provider TEXT NOT NULL,
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        requester TEXT NOT NULL,
        ask TEXT NOT NULL,
        billed_seconds INTEGER,
        gross TEXT NOT NULL,
        fee TEXT NOT NULL,
        stake_lost TEXT NOT NULL,
        gas_wei TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        closed_at TEXT,
        settled_by TEXT,
        txs TEXT NOT NULL,
        PRIMARY KEY (chain, provider, job_id, attempt)
      );
      CREATE INDEX jobs_closed ON jobs (chain, provider, closed_at);
      CREATE TABLE withdrawals (
        chain INTEGER NOT NULL REFERENCES chains(id),
        account TEXT NOT NULL,
        tx_hash TEXT NOT NULL,
        log_index INTEGER NOT NULL,
        block_number INTEGER NOT NULL,
        at TEXT NOT NULL,
        amount TEXT NOT NULL,
        -- Withdrawals are their own rows: their gas is not spread over jobs.
        gas_wei TEXT NOT NULL,
        PRIMARY KEY (chain, tx_hash, log_index)
      );
      -- Caches of chain data (a receipt or a block time never changes once final).
      CREATE TABLE receipts (
        chain INTEGER NOT NULL,
        tx_hash TEXT NOT NULL,
        sender TEXT NOT NULL,
        gas_used TEXT NOT NULL,
        effective_gas_price TEXT NOT NULL,
        PRIMARY KEY (chain, tx_hash)
      );
      CREATE TABLE block_times (
        chain INTEGER NOT NULL,
        number INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (chain, number)
      );
      -- Our decoded logs, so each new block only adds its own; re-read in full at every start.
      CREATE TABLE chain_logs (
        chain INTEGER NOT NULL,
        account TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        tx_hash TEXT NOT NULL,
        event TEXT NOT NULL,
        args TEXT NOT NULL,
        PRIMARY KEY (chain, account, block_number, log_index)
      );
      CREATE TABLE scan_cursor (
        chain INTEGER NOT NULL,
        account TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        PRIMARY KEY (chain, account)
      );
      -- Local facts from this PC (marketplace client): never touched by a rebuild.
      CREATE TABLE annotations (
        chain_key TEXT NOT NULL,
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        device_id TEXT,
        local_job_id TEXT,
        run_started_at TEXT,
        run_ended_at TEXT,
        energy_wh REAL,
        electricity TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (chain_key, job_id, attempt)
      );
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  },
};

const m0002: LedgerMigration = {
  version: 2,
  description: 'telemetry series (raw, minute, hour) and hours available vs rented',
  up(db) {
    db.exec(`
      CREATE TABLE telemetry_raw (
        device TEXT NOT NULL,
        t INTEGER NOT NULL,
        power REAL,
        temperature REAL,
        PRIMARY KEY (device, t)
      ) WITHOUT ROWID;
      -- Rollups keep sums and counts so partial buckets merge exactly (power may be unreported).
      CREATE TABLE telemetry_minute (
        device TEXT NOT NULL,
        t INTEGER NOT NULL,
        power_sum REAL NOT NULL, power_n INTEGER NOT NULL, power_max REAL,
        temp_sum REAL NOT NULL, temp_n INTEGER NOT NULL, temp_max REAL,
        PRIMARY KEY (device, t)
      ) WITHOUT ROWID;
      CREATE TABLE telemetry_hour (
        device TEXT NOT NULL,
        t INTEGER NOT NULL,
        power_sum REAL NOT NULL, power_n INTEGER NOT NULL, power_max REAL,
        temp_sum REAL NOT NULL, temp_n INTEGER NOT NULL, temp_max REAL,
        PRIMARY KEY (device, t)
      ) WITHOUT ROWID;
      CREATE TABLE availability_hours (
        device TEXT NOT NULL,
        t INTEGER NOT NULL,
        available_s REAL NOT NULL,
        rented_s REAL NOT NULL,
        PRIMARY KEY (device, t)
      ) WITHOUT ROWID;
    `);
  },
};

const m0003: LedgerMigration = {
  version: 3,
  description: 'annotations keyed by the one market key (chain id-market-genesis prefix) instead of the ledger\'s own format',
  up(db) {
    // Old: "<chainId>:<market>:<genesis hash>"; new: "<chainId>-<market>-<first 18 chars of the genesis hash>".
    const keys = db.prepare('SELECT DISTINCT chain_key FROM annotations').pluck().all() as string[];
    const update = db.prepare('UPDATE annotations SET chain_key = ? WHERE chain_key = ?');
    for (const key of keys) {
      const parts = key.split(':');
      if (parts.length !== 3) continue;
      const [chainId, market, genesis] = parts as [string, string, string];
      update.run(`${chainId}-${market.toLowerCase()}-${genesis.toLowerCase().slice(0, 18)}`, key);
    }
  },
};

export const ledgerMigrations: readonly LedgerMigration[] = [m0001, m0002, m0003];

export const LEDGER_SCHEMA_VERSION = ledgerMigrations[ledgerMigrations.length - 1]!.version;
