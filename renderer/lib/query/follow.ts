/**
 * "Load, then follow": the one way a query whose events change part of it (the snapshot,
 * the Market list, a job's log tail) stays right. An event that arrives while the query's
 * fetch is in flight may or may not be in its answer, so it is kept in the fetch's buffer
 * and folded onto the answer when it lands (folds are safe to apply twice); an event after
 * the answer is folded onto the cached data at once (live-events.ts). Plain TypeScript on
 * the QueryClient, so it is unit-tested without React.
 */
import { hashKey, partialMatchKey, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { AgentEvent } from '../../../shared/api/contract';

/** What folding one event gives: the new value, and whether the query must be fetched again. */
export interface FoldResult {
  value: unknown;
  /** The event says the cached value cannot be patched (a reset, a row never seen). */
  refetch?: boolean;
}

/** An event that changes part of every query under `key` (a prefix). */
export interface FoldOp {
  kind: 'fold';
  key: QueryKey;
  event: AgentEvent;
  /** Folds the event into one query's value (`queryKey` is that query's full key). */
  fold(current: unknown, queryKey: QueryKey): FoldResult;
}

interface OpenFetch {
  key: QueryKey;
  ops: FoldOp[];
}

const openFetches = new WeakMap<QueryClient, Set<OpenFetch>>();

function fetchesOf(client: QueryClient): Set<OpenFetch> {
  let set = openFetches.get(client);
  if (!set) {
    set = new Set();
    openFetches.set(client, set);
  }
  return set;
}

/** Keeps `op` for every fetch in flight that it concerns. */
export function bufferFold(client: QueryClient, op: FoldOp): void {
  for (const open of fetchesOf(client)) if (partialMatchKey(open.key, op.key)) open.ops.push(op);
}

/** How the buffered events meet the answer; by default each is folded in turn. */
export type Replay<A, T> = (answer: A, ops: readonly FoldOp[], queryKey: QueryKey) => T;

export const foldEach = <T>(answer: T, ops: readonly FoldOp[], queryKey: QueryKey): T =>
  ops.reduce<T>((value, op) => op.fold(value, queryKey).value as T, answer);

/**
 * A query function that loads `key` and folds onto its answer every event pushed while
 * it was in flight. Overlapping fetches each keep their own buffer.
 */
export function followedFetch<T, A = T>(
  client: QueryClient,
  key: QueryKey,
  load: () => Promise<A>,
  replay: Replay<A, T> = foldEach as Replay<A, T>,
): () => Promise<T> {
  return async () => {
    const open: OpenFetch = { key, ops: [] };
    const fetches = fetchesOf(client);
    fetches.add(open);
    try {
      const answer = await load();
      return replay(answer, open.ops, key);
    } finally {
      fetches.delete(open);
    }
  };
}

/** Folds `op` into every loaded query under its key; those that ask for it are fetched again. */
export function applyFold(client: QueryClient, op: FoldOp): void {
  bufferFold(client, op);
  for (const query of client.getQueryCache().findAll({ queryKey: op.key })) {
    const current = query.state.data;
    if (current === undefined) continue;
    const result = op.fold(current, query.queryKey);
    if (result.value !== current) client.setQueryData(query.queryKey, result.value);
    if (result.refetch) void client.invalidateQueries({ queryKey: query.queryKey, exact: true });
  }
}

/** For tests and logs: the keys with a fetch in flight that buffers events. */
export function bufferedKeys(client: QueryClient): string[] {
  return [...fetchesOf(client)].map((open) => hashKey(open.key));
}
