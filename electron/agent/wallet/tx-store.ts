/**
 * The wallet's transactions, persisted in <dataDir>/wallet/transactions.json (atomic
 * writes: temp file, fsync, rename). A pending transaction is saved with its signed bytes
 * BEFORE it is broadcast: after a crash or a node restart the agent can still follow it,
 * rebroadcast it or replace it with higher fees. Finished ones are kept for the list (the
 * newest 500).
 *
 * What the store holds in memory is only what is on disk: a put whose write fails changes
 * nothing (so a transaction that could not be saved is never followed, rebroadcast or
 * counted for the next nonce), and the next put tries again from scratch (one failed write
 * does not poison the ones after it). A full disk is a DiskFullError ("disk full: free space
 * in <dir>"), not a chain failure; writes succeed again by themselves once space returns.
 */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AgentError } from '../../../shared/api/result';
import { WalletTxSchema, type WalletTx } from '../../../shared/domain/wallet';
import { readJsonOrSetAside, writeJsonAtomically } from '../node-adapters/atomic-json-file';
import type { Logger } from '../ports';

export const TxRecordSchema = WalletTxSchema.extend({
  /** The newest signed attempt (rebroadcast after a node restart). Signed, so not secret. */
  raw: z.string(),
  data: z.string(),
  /** chainId:genesisHash — a restarted devnet is a new chain at the same id. */
  chainKey: z.string(),
  lastBroadcastAt: z.string(),
  replacements: z.number().int().min(0),
});
export type TxRecord = z.infer<typeof TxRecordSchema>;

const FileSchema = z.object({ version: z.literal(1), txs: z.array(TxRecordSchema) });

export const KEEP_FINISHED = 500;

export interface TxStore {
  /** Copies of the stored records: changing one changes nothing until it is put back. */
  all(): TxRecord[];
  get(id: string): TxRecord | undefined;
  /** Resolves once the record is durably on disk; rejects (DiskFullError when out of space) leaving the store as it was. */
  put(record: TxRecord): Promise<void>;
}

/** The store could not write because the disk (or the user's quota) is full. */
export class DiskFullError extends AgentError {
  readonly errno = 'ENOSPC';
  constructor(
    readonly dir: string,
    cause?: unknown,
  ) {
    super('disk-full', `disk full: free space in ${dir}`, 'Nothing was signed or sent. Free some space; sending resumes by itself.');
    this.name = 'DiskFullError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** ENOSPC / EDQUOT anywhere in an error, or a DiskFullError: what the market's retry logic checks. */
export function isDiskFullError(error: unknown): boolean {
  if (error instanceof DiskFullError) return true;
  const e = error as { code?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === 'disk-full' || e.code === 'ENOSPC' || e.code === 'EDQUOT') return true;
  return e.cause !== undefined && e.cause !== error && isDiskFullError(e.cause);
}

const copy = (record: TxRecord): TxRecord => structuredClone(record);

export const toWalletTx = (record: TxRecord): WalletTx => {
  const { raw: _raw, data: _data, chainKey: _chainKey, lastBroadcastAt: _at, replacements: _n, ...tx } = record;
  return tx;
};

export function createTxStore(options: {
  dataDir: string;
  logger: Logger;
  now: () => Date;
  /** Tests: a writer that fails like a full disk. Default: writeJsonAtomically. */
  write?: (file: string, value: unknown) => Promise<void>;
}): TxStore {
  const write = options.write ?? writeJsonAtomically;
  const file = join(options.dataDir, 'wallet', 'transactions.json');
  const loaded = readJsonOrSetAside(
    file,
    (raw) => {
      const parsed = FileSchema.safeParse(raw);
      return parsed.success ? { ok: true, value: parsed.data.txs } : { ok: false, reason: parsed.error.message };
    },
    options.now(),
  );
  if (loaded.kind === 'corrupt') options.logger.warn('wallet: transaction list was damaged and set aside', { keptAs: loaded.keptAs });
  /** What is on disk. Replaced only after a write succeeded. */
  let records: TxRecord[] = loaded.kind === 'ok' ? loaded.value : [];
  let writing: Promise<unknown> = Promise.resolve();

  const withChange = (current: TxRecord[], record: TxRecord): TxRecord[] => {
    const next = current.map((r) => (r.id === record.id ? copy(record) : r));
    if (!current.some((r) => r.id === record.id)) next.push(copy(record));
    const pending = next.filter((r) => r.status === 'pending');
    const finished = next.filter((r) => r.status !== 'pending').slice(-KEEP_FINISHED);
    return [...finished, ...pending].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  };

  return {
    all: () => records.map(copy),
    get: (id) => {
      const found = records.find((r) => r.id === id);
      return found ? copy(found) : undefined;
    },
    put(record) {
      // In line behind earlier writes, whether they failed or not; built from what is on
      // disk when its turn comes, so a failed neighbour never leaks into this snapshot.
      const result = writing.then(async () => {
        const next = withChange(records, record);
        try {
          await write(file, { version: 1 as const, txs: next });
        } catch (error) {
          if (isDiskFullError(error)) {
            options.logger.warn('wallet: disk full, the transaction list was not saved', { dir: dirname(file) });
            throw new DiskFullError(dirname(file), error);
          }
          throw error;
        }
        records = next;
      });
      writing = result.catch(() => undefined);
      return result;
    },
  };
}
