/**
 * How pushed events change the query cache: the one mapping every feature shares. An
 * event either replaces a query's data (`set`: the event carries the new value), changes
 * part of it (`fold`: folded onto the loaded value, and onto a fetch's answer if it came
 * while that fetch was in flight: follow.ts), or invalidates it (the event only says
 * "changed": the active queries refetch). Pure: `cacheOpsFor` returns what to do,
 * `applyCacheOps` does it, so the mapping is unit-tested without React.
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { AgentEvent } from '../../../shared/api/contract';
import type { MarketStatus } from '../../../shared/domain/market';
import type { Snapshot } from '../../../shared/domain/snapshot';
import type { WalletState, WalletTx } from '../../../shared/domain/wallet';
import { applyMarketEvent, type MarketState } from '../../features/market/market-state';
import { applyEvent } from '../apply-event';
import { foldLogLines, type LogTail, tailLimit } from '../job-log-tail';
import { applyFold, type FoldOp, type FoldResult } from './follow';
import { queryKeys } from './keys';

export type CacheOp = { kind: 'set'; key: QueryKey; update(current: unknown): unknown } | { kind: 'invalidate'; key: QueryKey } | FoldOp;

const set = <T>(key: QueryKey, update: (current: T | undefined) => T): CacheOp => ({
  kind: 'set',
  key,
  update: (current) => update(current as T | undefined),
});

const fold = <T>(key: QueryKey, event: AgentEvent, next: (current: T, queryKey: QueryKey) => FoldResult): FoldOp => ({
  kind: 'fold',
  key,
  event,
  fold: (current, queryKey) => next(current as T, queryKey),
});

/** Newest first, one row per id: a replayed or updated transaction replaces its row. */
export function upsertTx(list: readonly WalletTx[] | undefined, tx: WalletTx): WalletTx[] {
  return [tx, ...(list ?? []).filter((t) => t.id !== tx.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const snapshotFold = (event: AgentEvent): FoldOp => fold<Snapshot>(queryKeys.snapshot, event, (s) => ({ value: applyEvent(s, event) }));

const marketFold = (event: AgentEvent): FoldOp =>
  fold<MarketState>(queryKeys.marketList, event, (state) => {
    const result = applyMarketEvent(state, event);
    return { value: result.state, refetch: result.reload };
  });

export function cacheOpsFor(event: AgentEvent): CacheOp[] {
  switch (event.name) {
    case 'walletState': {
      const ops = [set<WalletState>(queryKeys.wallet, () => event.payload)];
      // The unlock ended (unlocked, failed or locked again): no progress bar any more.
      if (event.payload.state !== 'unlocking') ops.push(set<number | null>(queryKeys.walletUnlock, () => null));
      return ops;
    }
    case 'walletIncoming':
      return [set(queryKeys.walletIncoming, () => event.payload)];
    case 'walletUnlockProgress':
      return [set<number | null>(queryKeys.walletUnlock, () => event.payload.fraction)];
    case 'walletTx':
      return [fold<WalletTx[]>(queryKeys.walletTxs, event, (list) => ({ value: upsertTx(list, event.payload) }))];
    case 'marketStatus':
      return [set<MarketStatus>(queryKeys.marketStatus, () => event.payload), marketFold(event)];
    case 'marketJobs':
    case 'marketJob':
      return [marketFold(event)];
    case 'chainStatus':
      return [set(queryKeys.chainStatus, () => event.payload)];
    case 'ledgerUpdated':
      return [{ kind: 'invalidate', key: queryKeys.ledger }];
    case 'marketPricesUpdated':
      return [{ kind: 'invalidate', key: queryKeys.marketPrices }];
    case 'jobLog': {
      const { jobId, lines } = event.payload;
      if (lines.length === 0) return [];
      return [fold<LogTail>(queryKeys.jobLogs(jobId), event, (tail, key) => ({ value: foldLogLines(tail, lines, tailLimit(Number(key[2]))) }))];
    }
    case 'jobProgress':
      return [snapshotFold(event), set(queryKeys.jobProgress(event.payload.jobId), () => event.payload)];
    case 'detection':
    case 'detecting':
    case 'checks':
    case 'benchmarkProgress':
    case 'benchmarkFinished':
    case 'settings':
    case 'availability':
    case 'jobStarted':
    case 'jobFinished':
      return [snapshotFold(event)];
    case 'telemetry':
      // A live stream (up to once a second per GPU) the cache does not keep: the charts
      // that show it subscribe themselves (use-live-telemetry.ts).
      return [];
  }
}

/**
 * Applies the ops. A pushed whole value is newer than any answer still on its way: the
 * fetch in flight for that key is cancelled first, so a late answer never overwrites the
 * event. A fold during a fetch is kept and folded onto its answer (follow.ts); one before
 * the query was ever loaded waits for that load.
 */
export function applyCacheOps(client: QueryClient, ops: readonly CacheOp[]): void {
  for (const op of ops) {
    if (op.kind === 'invalidate') {
      void client.invalidateQueries({ queryKey: op.key });
    } else if (op.kind === 'fold') {
      applyFold(client, op);
    } else {
      if (client.isFetching({ queryKey: op.key, exact: true }) > 0) void client.cancelQueries({ queryKey: op.key, exact: true });
      client.setQueryData(op.key, (current: unknown) => op.update(current));
    }
  }
}

/** Applies a call's answer as if the agent had pushed `event` (the push may follow). */
export function applyAnswer(client: QueryClient, event: AgentEvent): void {
  applyCacheOps(client, cacheOpsFor(event));
}
