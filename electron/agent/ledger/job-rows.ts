/**
 * Folds this provider's market events, in chain order, into one row per claim (job id +
 * attempt). Pure: the reconciler feeds it every stored log, so a row is always exactly what
 * the chain says. Amounts stay decimal strings of integers (summed as bigint).
 */
import type { LedgerJobState, LedgerTxKind } from '../../../shared/domain/earnings';

export type MarketEventName = 'JobClaimed' | 'JobSubmitted' | 'JobReleased' | 'JobSettled' | 'JobRefunded';

/** A decoded log: uint values as decimal strings, bools as booleans, addresses checksummed. */
export interface ChainEvent {
  event: MarketEventName | 'Withdrawn';
  blockNumber: number;
  logIndex: number;
  txHash: string;
  args: Record<string, string | boolean>;
}

export interface RowTx {
  kind: LedgerTxKind;
  hash: string;
  blockNumber: number;
}

export interface JobRow {
  jobId: string;
  attempt: number;
  state: LedgerJobState;
  /** null until an event names it (settle, refund); the reconciler reads it from getJob. */
  requester: string | null;
  ask: string;
  billedSeconds: number | null;
  gross: string;
  fee: string;
  stakeLost: string;
  settledBy: 'requester' | 'timeout' | null;
  /** Block of the claim and of the event that closed the row (settle, release, refund). */
  claimBlock: number;
  closeBlock: number | null;
  txs: RowTx[];
}

export const chainOrder = (a: ChainEvent, b: ChainEvent) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;

const str = (value: string | boolean | undefined): string => (typeof value === 'string' ? value : '0');

/** Rows for one provider from its events (any order; sorted here). Events of other providers are ignored by the caller's filter. */
export function foldJobRows(events: readonly ChainEvent[]): JobRow[] {
  const rows: JobRow[] = [];
  // The claim the next submit/release/settle/refund of a job id belongs to.
  const current = new Map<string, JobRow>();
  // Releases by tx hash: a release that ends the job also emits JobRefunded (slashed 0) in the same tx.
  const releasedIn = new Map<string, JobRow>();
  const addTx = (row: JobRow, kind: LedgerTxKind, event: ChainEvent) => {
    if (!row.txs.some((tx) => tx.hash === event.txHash && tx.kind === kind)) {
      row.txs.push({ kind, hash: event.txHash, blockNumber: event.blockNumber });
    }
  };
  for (const event of [...events].sort(chainOrder)) {
    if (event.event === 'Withdrawn') continue;
    const id = str(event.args.id);
    if (event.event === 'JobClaimed') {
      const row: JobRow = {
        jobId: id,
        attempt: Number(str(event.args.attempt)),
        state: 'claimed',
        requester: null,
        ask: str(event.args.ask),
        billedSeconds: null,
        gross: '0',
        fee: '0',
        stakeLost: '0',
        settledBy: null,
        claimBlock: event.blockNumber,
        closeBlock: null,
        txs: [],
      };
      addTx(row, 'claim', event);
      rows.push(row);
      current.set(id, row);
      continue;
    }
    const row = current.get(id);
    if (!row) {
      const released = event.event === 'JobRefunded' ? releasedIn.get(event.txHash) : undefined;
      if (released) released.requester = str(event.args.requester);
      // Otherwise an event without our claim before it (the scan started late): nothing to attach it to.
      continue;
    }
    switch (event.event) {
      case 'JobSubmitted':
        row.state = 'submitted';
        row.billedSeconds = Number(str(event.args.billedSeconds));
        addTx(row, 'submit', event);
        break;
      case 'JobReleased':
        row.state = 'released';
        row.billedSeconds = Number(str(event.args.servedSeconds));
        row.gross = str(event.args.gross);
        row.fee = str(event.args.fee);
        row.closeBlock = event.blockNumber;
        addTx(row, 'release', event);
        current.delete(id);
        releasedIn.set(event.txHash, row);
        break;
      case 'JobSettled':
        row.state = 'settled';
        row.gross = str(event.args.gross);
        row.fee = str(event.args.fee);
        row.requester = str(event.args.requester);
        row.settledBy = event.args.byRequester === true ? 'requester' : 'timeout';
        row.closeBlock = event.blockNumber;
        addTx(row, event.args.byRequester === true ? 'accept' : 'finalize', event);
        current.delete(id);
        break;
      case 'JobRefunded':
        row.requester = str(event.args.requester);
        row.stakeLost = str(event.args.slashed);
        row.state = 'refunded';
        row.closeBlock = event.blockNumber;
        addTx(row, 'refund', event);
        current.delete(id);
        break;
    }
  }
  return rows;
}
