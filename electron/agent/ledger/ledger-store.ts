/**
 * Reads and writes of the ledger's chain-derived tables (jobs, withdrawals, log and receipt
 * caches) and of its local annotations. All amounts are decimal strings (see migrations).
 */
import type Database from 'better-sqlite3';
import type { LedgerTx } from '../../../shared/domain/earnings';
import { marketKeyOf, type ResolvedNetwork } from '../chain/chain-hub';
import type { ChainEvent, JobRow } from './job-rows';

/** A job row as stored: the fold's row plus what the reconciler read from the chain around it. */
export interface StoredJob extends Omit<JobRow, 'txs' | 'requester'> {
  requester: string;
  gasWei: string;
  claimedAt: string;
  closedAt: string | null;
  txs: LedgerTx[];
}

export interface StoredWithdrawal {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  at: string;
  amount: string;
  gasWei: string;
}

export interface Annotation {
  jobId: string;
  attempt: number;
  deviceId: string | null;
  localJobId: string | null;
  runStartedAt: string | null;
  runEndedAt: string | null;
  energyWh: number | null;
  electricity: string | null;
}

export interface ChainRef {
  id: number;
  /** `chainId:market:genesis`: the identity a restarted devnet changes. */
  key: string;
  network: ResolvedNetwork;
}

export interface WriteDiff {
  added: number;
  /** Rows that moved on (a new event for them). */
  updated: number;
  /** Rows whose events did not change but whose stored figures did not match them: tampered or stale. */
  corrected: { jobId: string; attempt: number; fields: string[] }[];
  removed: number;
}

/** The ledger's annotations are kept per market key (chain-hub.ts: the one identity). */
export const chainKeyOf = marketKeyOf;

type JobDbRow = {
  job_id: string; attempt: number; state: string; requester: string; ask: string; billed_seconds: number | null;
  gross: string; fee: string; stake_lost: string; gas_wei: string; claimed_at: string; closed_at: string | null;
  settled_by: string | null; txs: string;
};

const COMPARED: (keyof StoredJob)[] = [
  'state', 'requester', 'ask', 'billedSeconds', 'gross', 'fee', 'stakeLost', 'gasWei', 'claimedAt', 'closedAt', 'settledBy', 'txs',
];

function fromDb(r: JobDbRow): StoredJob {
  const txs = JSON.parse(r.txs) as LedgerTx[];
  return {
    jobId: r.job_id,
    attempt: r.attempt,
    state: r.state as StoredJob['state'],
    requester: r.requester,
    ask: r.ask,
    billedSeconds: r.billed_seconds,
    gross: r.gross,
    fee: r.fee,
    stakeLost: r.stake_lost,
    gasWei: r.gas_wei,
    claimedAt: r.claimed_at,
    closedAt: r.closed_at,
    settledBy: r.settled_by as StoredJob['settledBy'],
    claimBlock: txs.find((tx) => tx.kind === 'claim')?.blockNumber ?? 0,
    closeBlock: null,
    txs,
  };
}

export function createLedgerStore(db: Database.Database) {
  const s = {
    chainGet: db.prepare('SELECT id FROM chains WHERE chain_id = ? AND market = ? AND genesis_hash = ?').pluck(),
    chainInsert: db.prepare(`INSERT INTO chains (chain_id, market, genesis_hash, label, is_devnet, token_symbol, deployment_block, first_seen)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    logsDelete: db.prepare('DELETE FROM chain_logs WHERE chain = ? AND account = ? AND block_number >= ?'),
    logsInsert: db.prepare(`INSERT OR REPLACE INTO chain_logs (chain, account, block_number, log_index, tx_hash, event, args)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    logsAll: db.prepare('SELECT block_number, log_index, tx_hash, event, args FROM chain_logs WHERE chain = ? AND account = ? ORDER BY block_number, log_index'),
    cursorGet: db.prepare('SELECT block_number FROM scan_cursor WHERE chain = ? AND account = ?').pluck(),
    cursorSet: db.prepare(`INSERT INTO scan_cursor (chain, account, block_number) VALUES (?, ?, ?)
      ON CONFLICT (chain, account) DO UPDATE SET block_number = excluded.block_number`),
    receiptGet: db.prepare('SELECT sender, gas_used, effective_gas_price FROM receipts WHERE chain = ? AND tx_hash = ?'),
    receiptPut: db.prepare('INSERT OR REPLACE INTO receipts (chain, tx_hash, sender, gas_used, effective_gas_price) VALUES (?, ?, ?, ?, ?)'),
    blockGet: db.prepare('SELECT at FROM block_times WHERE chain = ? AND number = ?').pluck(),
    blockPut: db.prepare('INSERT OR REPLACE INTO block_times (chain, number, at) VALUES (?, ?, ?)'),
    jobsAll: db.prepare('SELECT * FROM jobs WHERE chain = ? AND provider = ? ORDER BY claimed_at DESC, CAST(job_id AS INTEGER) DESC, attempt DESC'),
    jobUpsert: db.prepare(`INSERT OR REPLACE INTO jobs (chain, provider, job_id, attempt, state, requester, ask, billed_seconds, gross, fee,
      stake_lost, gas_wei, claimed_at, closed_at, settled_by, txs)
      VALUES (@chain, @provider, @jobId, @attempt, @state, @requester, @ask, @billedSeconds, @gross, @fee, @stakeLost, @gasWei,
      @claimedAt, @closedAt, @settledBy, @txs)`),
    jobDelete: db.prepare('DELETE FROM jobs WHERE chain = ? AND provider = ? AND job_id = ? AND attempt = ?'),
    wdDelete: db.prepare('DELETE FROM withdrawals WHERE chain = ? AND account = ?'),
    wdInsert: db.prepare(`INSERT INTO withdrawals (chain, account, tx_hash, log_index, block_number, at, amount, gas_wei)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    wdAll: db.prepare(`SELECT tx_hash AS txHash, log_index AS logIndex, block_number AS blockNumber, at, amount, gas_wei AS gasWei
      FROM withdrawals WHERE chain = ? AND account = ? ORDER BY block_number, log_index`),
    annPut: db.prepare(`INSERT OR REPLACE INTO annotations (chain_key, job_id, attempt, device_id, local_job_id, run_started_at, run_ended_at,
      energy_wh, electricity, updated_at) VALUES (@chainKey, @jobId, @attempt, @deviceId, @localJobId, @runStartedAt, @runEndedAt,
      @energyWh, @electricity, @updatedAt)`),
    annGet: db.prepare(`SELECT job_id AS jobId, attempt, device_id AS deviceId, local_job_id AS localJobId, run_started_at AS runStartedAt,
      run_ended_at AS runEndedAt, energy_wh AS energyWh, electricity FROM annotations WHERE chain_key = ? AND job_id = ? AND attempt = ?`),
    annAll: db.prepare(`SELECT job_id AS jobId, attempt, device_id AS deviceId, local_job_id AS localJobId, run_started_at AS runStartedAt,
      run_ended_at AS runEndedAt, energy_wh AS energyWh, electricity FROM annotations WHERE chain_key = ?`),
    metaGet: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    metaSet: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    metaDelete: db.prepare('DELETE FROM meta WHERE key = ?'),
  };

  return {
    chain(network: ResolvedNetwork, now: Date): ChainRef {
      const market = network.marketAddress.toLowerCase();
      const genesis = network.genesisHash.toLowerCase();
      let id = s.chainGet.get(network.chainId, market, genesis) as number | undefined;
      if (id === undefined) {
        id = Number(
          s.chainInsert.run(network.chainId, market, genesis, network.label, network.isDevnet ? 1 : 0, network.token.symbol,
            network.deploymentBlock, now.toISOString()).lastInsertRowid,
        );
      }
      return { id, key: chainKeyOf(network), network };
    },
    /** Replaces the stored logs from `fromBlock` on (a rescan also drops logs a reorg removed). */
    replaceLogs(chain: number, account: string, fromBlock: number, events: readonly ChainEvent[]) {
      s.logsDelete.run(chain, account, fromBlock);
      for (const e of events) s.logsInsert.run(chain, account, e.blockNumber, e.logIndex, e.txHash, e.event, JSON.stringify(e.args));
    },
    logs(chain: number, account: string): ChainEvent[] {
      return (s.logsAll.all(chain, account) as { block_number: number; log_index: number; tx_hash: string; event: string; args: string }[]).map(
        (r) => ({ blockNumber: r.block_number, logIndex: r.log_index, txHash: r.tx_hash, event: r.event as ChainEvent['event'], args: JSON.parse(r.args) }),
      );
    },
    cursor: (chain: number, account: string) => (s.cursorGet.get(chain, account) as number | undefined) ?? null,
    setCursor: (chain: number, account: string, block: number) => void s.cursorSet.run(chain, account, block),
    receipt(chain: number, hash: string) {
      const r = s.receiptGet.get(chain, hash) as { sender: string; gas_used: string; effective_gas_price: string } | undefined;
      return r ? { from: r.sender, gasUsed: BigInt(r.gas_used), effectiveGasPrice: BigInt(r.effective_gas_price) } : null;
    },
    putReceipt(chain: number, hash: string, r: { from: string; gasUsed: bigint; effectiveGasPrice: bigint }) {
      s.receiptPut.run(chain, hash, r.from, r.gasUsed.toString(), r.effectiveGasPrice.toString());
    },
    blockTime: (chain: number, n: number) => (s.blockGet.get(chain, n) as string | undefined) ?? null,
    putBlockTime: (chain: number, n: number, at: string) => void s.blockPut.run(chain, n, at),
    jobs(chain: number, provider: string): StoredJob[] {
      return (s.jobsAll.all(chain, provider) as JobDbRow[]).map(fromDb);
    },
    /** Makes the stored rows exactly `rows`; says what differed (a correction is logged by the caller). */
    writeJobs(chain: number, provider: string, rows: readonly StoredJob[]): WriteDiff {
      const existing = new Map(this.jobs(chain, provider).map((j) => [`${j.jobId}:${j.attempt}`, j]));
      const diff: WriteDiff = { added: 0, updated: 0, corrected: [], removed: 0 };
      for (const row of rows) {
        const key = `${row.jobId}:${row.attempt}`;
        const before = existing.get(key);
        existing.delete(key);
        if (before) {
          const fields = COMPARED.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(row[f]));
          if (fields.length === 0) continue;
          const txIds = (j: StoredJob) => j.txs.map((tx) => `${tx.kind}:${tx.hash}`).join(',');
          if (txIds(before) !== txIds(row)) diff.updated += 1;
          else diff.corrected.push({ jobId: row.jobId, attempt: row.attempt, fields });
        } else {
          diff.added += 1;
        }
        s.jobUpsert.run({ ...row, chain, provider, txs: JSON.stringify(row.txs) });
      }
      for (const stale of existing.values()) {
        s.jobDelete.run(chain, provider, stale.jobId, stale.attempt);
        diff.removed += 1;
      }
      return diff;
    },
    writeWithdrawals(chain: number, account: string, rows: readonly StoredWithdrawal[]) {
      s.wdDelete.run(chain, account);
      for (const w of rows) s.wdInsert.run(chain, account, w.txHash, w.logIndex, w.blockNumber, w.at, w.amount, w.gasWei);
    },
    withdrawals: (chain: number, account: string) => s.wdAll.all(chain, account) as StoredWithdrawal[],
    annotation: (chainKey: string, jobId: string, attempt: number) => (s.annGet.get(chainKey, jobId, attempt) as Annotation | undefined) ?? null,
    putAnnotation(chainKey: string, a: Annotation, now: Date) {
      s.annPut.run({ ...a, chainKey, updatedAt: now.toISOString() });
    },
    annotations(chainKey: string): Map<string, Annotation> {
      return new Map((s.annAll.all(chainKey) as Annotation[]).map((a) => [`${a.jobId}:${a.attempt}`, a]));
    },
    meta: (key: string) => (s.metaGet.get(key) as string | undefined) ?? null,
    setMeta(key: string, value: string | null) {
      if (value === null) s.metaDelete.run(key);
      else s.metaSet.run(key, value);
    },
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
  };
}

export type LedgerStore = ReturnType<typeof createLedgerStore>;
