/**
 * The wallet's transactions, persisted in <dataDir>/wallet/transactions.json (atomic
 * writes). A pending transaction is saved with its signed bytes BEFORE it is broadcast:
 * after a crash or a node restart the agent can still follow it, rebroadcast it or
 * replace it with higher fees. Finished ones are kept for the list (the newest 500).
 */
import { join } from 'node:path';
import { z } from 'zod';
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
  all(): TxRecord[];
  get(id: string): TxRecord | undefined;
  put(record: TxRecord): Promise<void>;
}

export const toWalletTx = (record: TxRecord): WalletTx => {
  const { raw: _raw, data: _data, chainKey: _chainKey, lastBroadcastAt: _at, replacements: _n, ...tx } = record;
  return tx;
};

export function createTxStore(options: { dataDir: string; logger: Logger; now: () => Date }): TxStore {
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
  const records: TxRecord[] = loaded.kind === 'ok' ? loaded.value : [];
  let writing: Promise<void> = Promise.resolve();

  const persist = () => {
    const pending = records.filter((r) => r.status === 'pending');
    const finished = records.filter((r) => r.status !== 'pending').slice(-KEEP_FINISHED);
    const keep = [...finished, ...pending].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    records.splice(0, records.length, ...keep);
    const snapshot = { version: 1 as const, txs: records.map((r) => ({ ...r })) };
    writing = writing.then(() => writeJsonAtomically(file, snapshot));
    return writing;
  };

  return {
    all: () => records,
    get: (id) => records.find((r) => r.id === id),
    put(record) {
      const index = records.findIndex((r) => r.id === record.id);
      if (index >= 0) records[index] = record;
      else records.push(record);
      return persist();
    },
  };
}
