/**
 * How pushed events change the query cache: the one mapping every feature shares. An
 * event either replaces a query's data (the event carries the new value) or invalidates
 * it (the event only says "changed": the active queries refetch). Pure: `cacheOpsFor`
 * returns what to do, `applyCacheOps` does it, so the mapping is unit-tested without React.
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { AgentEvent } from '../../../shared/api/contract';
import type { MarketStatus } from '../../../shared/domain/market';
import type { WalletState, WalletTx } from '../../../shared/domain/wallet';
import { queryKeys } from './keys';

/**
 * `set` with `partial`: the event changes part of a list (one transaction), so it only
 * applies to a list already loaded; otherwise the query is loaded whole when first used.
 */
export type CacheOp =
  | { kind: 'set'; key: QueryKey; partial?: true; update(current: unknown): unknown }
  | { kind: 'invalidate'; key: QueryKey };

const set = <T>(key: QueryKey, update: (current: T | undefined) => T, partial?: true): CacheOp => ({
  kind: 'set',
  key,
  ...(partial ? { partial } : {}),
  update: (current) => update(current as T | undefined),
});

/** Newest first, one row per id: a replayed or updated transaction replaces its row. */
export function upsertTx(list: readonly WalletTx[] | undefined, tx: WalletTx): WalletTx[] {
  return [tx, ...(list ?? []).filter((t) => t.id !== tx.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function cacheOpsFor(event: AgentEvent): CacheOp[] {
  switch (event.name) {
    case 'walletState': {
      const ops = [set<WalletState>(queryKeys.wallet, () => event.payload)];
      // The unlock ended (unlocked, failed or locked again): no progress bar any more.
      if (event.payload.state !== 'unlocking') ops.push(set<number | null>(queryKeys.walletUnlock, () => null));
      return ops;
    }
    case 'walletUnlockProgress':
      return [set<number | null>(queryKeys.walletUnlock, () => event.payload.fraction)];
    case 'walletTx':
      return [set<WalletTx[]>(queryKeys.walletTxs, (list) => upsertTx(list, event.payload), true)];
    case 'marketStatus':
      return [set<MarketStatus>(queryKeys.marketStatus, () => event.payload)];
    case 'chainStatus':
      return [set(queryKeys.chainStatus, () => event.payload)];
    case 'ledgerUpdated':
      return [{ kind: 'invalidate', key: queryKeys.ledger }];
    default:
      // The snapshot's events go through the app store (app-store.ts); the Market page's
      // list through use-market.ts; live streams (telemetry, logs) through their own hooks.
      return [];
  }
}

/**
 * Applies the ops. A pushed whole value is newer than any answer still on its way: the
 * fetch in flight for that key is cancelled first, so a late answer never overwrites the
 * event. A partial change during a fetch asks for the list again instead (the answer on
 * its way may predate it), and one before the list was ever loaded waits for that load.
 */
export function applyCacheOps(client: QueryClient, ops: readonly CacheOp[]): void {
  for (const op of ops) {
    if (op.kind === 'invalidate') {
      void client.invalidateQueries({ queryKey: op.key });
      continue;
    }
    const fetching = client.isFetching({ queryKey: op.key, exact: true }) > 0;
    if (op.partial) {
      if (fetching) void client.invalidateQueries({ queryKey: op.key, exact: true });
      else if (client.getQueryData(op.key) !== undefined) client.setQueryData(op.key, (current: unknown) => op.update(current));
      continue;
    }
    if (fetching) void client.cancelQueries({ queryKey: op.key, exact: true });
    client.setQueryData(op.key, (current: unknown) => op.update(current));
  }
}
