/**
 * What the ledger folds, whichever market the agent follows: this account's rows and
 * withdrawals from the one event log of the active market. v1: the market event log
 * (market-indexer.ts); v2: the v2 event log the v2 market feature runs (v2-event-log.ts).
 * The ledger never reads a log of its own, and never polls the log of a market that is not
 * the one running (market-switch.ts decides which): a v1 log polled against a v2 market
 * would call v1-only reads (reopenClaimWindow) and report failures for a healthy chain.
 */
import type { MarketIndexer } from '../market/market-indexer';
import type { V2EventLog } from '../market-v2/v2-event-log';
import { type ChainEvent, foldJobRows, type JobRow } from './job-rows';
import { ledgerEventOf } from './v1-ledger-events';
import { foldV2Ledger } from './v2-job-rows';

/** The account's part of the log at `head`: its rows and the events stored with them. */
export interface LedgerFold {
  chainKey: string;
  head: number;
  /** Our decoded events (v1) and withdrawals (both): kept in the ledger's log cache. */
  logs: ChainEvent[];
  rows: JobRow[];
  /** Changes whenever what the log holds for us changes (not with every block). */
  signature: string;
}

export interface LedgerSource {
  /** Null while the log has not reached a head of the connected chain. */
  fold(account: string): LedgerFold | null;
  onUpdate(listener: () => void): () => void;
  onStatus(listener: () => void): () => void;
  /** Resolves once the log has reached the head (reconcileNow waits for it). */
  caughtUp(): Promise<void>;
}

const lastKey = (events: readonly { txHash: string; logIndex: number; blockNumber: number }[]) => {
  const last = events[events.length - 1];
  return last ? `${last.txHash}:${last.logIndex}@${last.blockNumber}` : '';
};

/** The v1 market event log as the ledger reads it. */
export function v1LedgerSource(log: Pick<MarketIndexer, 'accountEvents' | 'onUpdate' | 'onStatus' | 'caughtUp'>): LedgerSource {
  return {
    fold(account) {
      const source = log.accountEvents(account);
      if (!source) return null;
      const logs = source.events.map((e) => ledgerEventOf(e, account)).filter((e): e is ChainEvent => e !== null);
      return { chainKey: source.chainKey, head: source.head, logs, rows: foldJobRows(logs), signature: `${source.events.length}|${lastKey(source.events)}` };
    },
    onUpdate: (listener) => log.onUpdate(() => listener()),
    onStatus: (listener) => log.onStatus(listener),
    caughtUp: () => log.caughtUp(),
  };
}

/** The v2 event log as the ledger reads it: the rows are a fold of its book (v2-job-rows.ts). */
export function v2LedgerSource(log: Pick<V2EventLog, 'book' | 'accountEvents' | 'status' | 'onUpdate' | 'onStatus' | 'caughtUp'>): LedgerSource {
  return {
    fold(account) {
      const status = log.status();
      if (status.chainKey === null || status.block === null) return null;
      const { rows, withdrawals } = foldV2Ledger(log.book.all(), log.accountEvents(), account);
      // The rows' states, amounts and txs (a reorg changes the hashes): what a pass would write.
      const signature = rows.map((r) => `${r.jobId}:${r.attempt}:${r.state}:${r.gross}:${r.stakeLost}:${r.txs.map((t) => t.hash).join('.')}`).join(',') + `|${withdrawals.length}|${lastKey(withdrawals)}`;
      return { chainKey: status.chainKey, head: status.block, logs: withdrawals, rows, signature };
    },
    onUpdate: (listener) => log.onUpdate(() => listener()),
    onStatus: (listener) => log.onStatus(listener),
    caughtUp: () => log.caughtUp(),
  };
}

export interface ActiveMarket {
  /** The market version running now (null before the chain is known). */
  version(): 1 | 2 | null;
  /** Called after the running market changed. */
  onSwitch(listener: () => void): () => void;
}

/**
 * The log of the market that runs now: v1's or v2's (the v2 one exists once the v2 feature
 * was built). Updates of the other log are not passed on; a switch is (a fold of the other log).
 */
export function activeLedgerSource(deps: { market: ActiveMarket; v1: LedgerSource; v2: () => LedgerSource | null }): LedgerSource {
  const updateListeners = new Set<() => void>();
  const statusListeners = new Set<() => void>();
  const fire = (set: Set<() => void>) => {
    for (const listener of [...set]) listener();
  };
  const active = (): LedgerSource | null => {
    const version = deps.market.version();
    return version === 1 ? deps.v1 : version === 2 ? deps.v2() : null;
  };
  const forward = (source: LedgerSource) => {
    source.onUpdate(() => {
      if (active() === source) fire(updateListeners);
    });
    source.onStatus(() => {
      if (active() === source) fire(statusListeners);
    });
  };
  forward(deps.v1);
  let v2Forwarded: LedgerSource | null = null;
  deps.market.onSwitch(() => {
    const v2 = deps.v2();
    if (v2 && v2 !== v2Forwarded) {
      v2Forwarded = v2;
      forward(v2);
    }
    fire(updateListeners);
  });
  return {
    fold: (account) => active()?.fold(account) ?? null,
    onUpdate(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    caughtUp: async () => {
      await active()?.caughtUp();
    },
  };
}
