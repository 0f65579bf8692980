import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { AgentEvent } from '../../shared/api/contract';
import type { ApiError } from '../../shared/api/result';
import type { Snapshot } from '../../shared/domain/snapshot';
import type { ApiClient, ConnectionState } from '../lib/api-client';
import { snapshotQuery } from '../lib/query/follow-queries';
import { queryKeys } from '../lib/query/keys';
import { applyAnswer } from '../lib/query/live-events';
import type { AgentCallError } from '../lib/query/query-client';

export interface AppServices {
  api: ApiClient;
}

export const AppContext = createContext<AppServices | null>(null);

function useServices(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('AppContext is missing: render inside <App>.');
  return services;
}

export const useApi = (): ApiClient => useServices().api;

/** The event stream's state, as the API client reports it. */
export function useConnection(): ConnectionState {
  const api = useApi();
  return useSyncExternalStore(
    useCallback((listener: () => void) => api.onConnection(listener), [api]),
    () => api.connection(),
  );
}

export interface SnapshotState {
  /** null until the first getSnapshot answers. */
  snapshot: Snapshot | null;
  /** The last getSnapshot failure, cleared by the next success. */
  loadError: ApiError | null;
  /** Fetch the snapshot again (the user's "Try again"). */
  reload(): void;
}

/**
 * The agent's snapshot from the shared query cache: loaded once, kept current by the
 * snapshot's events (lib/query/live-events.ts), fetched again after a reconnect.
 */
export function useSnapshotState(): SnapshotState {
  const api = useApi();
  const client = useQueryClient();
  const query = useQuery<Snapshot, AgentCallError>(snapshotQuery(client, api));
  return {
    snapshot: query.data ?? null,
    loadError: query.error?.error ?? null,
    reload: () => void query.refetch(),
  };
}

/** For screens rendered only once the snapshot is there. */
export function useSnapshot(): Snapshot {
  const { snapshot } = useSnapshotState();
  if (!snapshot) throw new Error('useSnapshot() before the first snapshot');
  return snapshot;
}

/** The snapshot as it is now (for handlers that must not act on a stale render). */
export function useCurrentSnapshot(): () => Snapshot | null {
  const client = useQueryClient();
  return useCallback(() => client.getQueryData<Snapshot>(queryKeys.snapshot) ?? null, [client]);
}

/** Applies a call's answer as if the agent had pushed it as `event` (the push may follow). */
export function useApplyAnswer(): (event: AgentEvent) => void {
  const client = useQueryClient();
  return useCallback((event: AgentEvent) => applyAnswer(client, event), [client]);
}
