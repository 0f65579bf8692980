/**
 * The renderer's one data layer: a TanStack Query cache that pushed events keep current
 * (live-events.ts) and that refetches every query when the event stream comes back, since
 * events sent while disconnected are lost. Every feature reads the agent the same way:
 * a key in keys.ts, a `useAgentQuery` with the call that loads it, and (when the agent
 * pushes changes) one line in live-events.ts. Nothing polls.
 */
import { QueryClient, useQuery, type QueryKey } from '@tanstack/react-query';
import type { ApiError, Result } from '../../../shared/api/result';
import type { ApiClient, ConnectionState } from '../api-client';
import { applyCacheOps, cacheOpsFor } from './live-events';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Events keep the data current; a refetch happens on reconnect or invalidation only.
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // The agent answers errors as data (a locked wallet, no chain): retrying changes nothing.
        retry: false,
      },
    },
  });
}

/** Feeds pushed events into the cache, and refetches everything after a reconnect. */
export function connectQueryClient(client: QueryClient, api: ApiClient): () => void {
  const offEvent = api.onEvent((event) => applyCacheOps(client, cacheOpsFor(event)));
  let was: ConnectionState = api.connection();
  const offConnection = api.onConnection((connection) => {
    if (connection === 'connected' && was !== 'connected') void client.invalidateQueries();
    was = connection;
  });
  return () => {
    offEvent();
    offConnection();
  };
}

/** An agent error, thrown so the query holds it as its error (errors stay data to the UI). */
export class AgentCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const result = await call;
  if (!result.ok) throw new AgentCallError(result.error);
  return result.value;
}

/** A query of one agent call; `error` is the agent's own ApiError. */
export function useAgentQuery<T>(key: QueryKey, load: () => Promise<Result<T>>, options: { enabled?: boolean } = {}) {
  const query = useQuery<T, AgentCallError>({ queryKey: key, queryFn: () => unwrap(load()), enabled: options.enabled });
  return { data: query.data, error: query.error?.error ?? null, loading: query.isPending };
}
