import type { AgentEvent } from '../../shared/api/contract';
import type { ApiError } from '../../shared/api/result';
import type { Snapshot } from '../../shared/domain/snapshot';
import type { ApiClient, ConnectionState } from './api-client';
import { applyEvent } from './apply-event';

export interface AppState {
  connection: ConnectionState;
  /** null until the first getSnapshot answers. */
  snapshot: Snapshot | null;
  /** The last getSnapshot failure, cleared by the next success. */
  loadError: ApiError | null;
}

export interface AppStore {
  getState(): AppState;
  subscribe(listener: () => void): () => void;
  /** Fetch the snapshot (at start, and by the user's "Try again"). */
  reload(): Promise<void>;
  /** Apply the answer of a call as if the agent had pushed it (the push may follow). */
  apply(event: AgentEvent): void;
  dispose(): void;
}

/**
 * Snapshot once, then events. Whenever the event stream (re)opens, the snapshot is
 * fetched again, since events sent while disconnected are lost. Events that arrive while
 * a snapshot request is in flight are buffered and replayed on top of its answer.
 */
export function createAppStore(client: ApiClient): AppStore {
  let state: AppState = { connection: client.connection(), snapshot: null, loadError: null };
  const listeners = new Set<() => void>();
  let pending: AgentEvent[] | null = null;
  let generation = 0;

  const set = (next: Partial<AppState>) => {
    state = { ...state, ...next };
    for (const listener of [...listeners]) listener();
  };

  const apply = (event: AgentEvent) => {
    if (pending) pending.push(event);
    if (!state.snapshot) return;
    const snapshot = applyEvent(state.snapshot, event);
    // Events that change nothing (a replayed result, telemetry) do not re-render the app.
    if (snapshot !== state.snapshot) set({ snapshot });
  };

  const reload = async () => {
    const mine = ++generation;
    pending ??= [];
    const result = await client.getSnapshot({});
    if (mine !== generation) return; // a newer request owns the buffer
    const replay = pending ?? [];
    pending = null;
    if (!result.ok) {
      set({ loadError: result.error });
      return;
    }
    set({ snapshot: replay.reduce(applyEvent, result.value), loadError: null });
  };

  const offEvent = client.onEvent(apply);
  const offConnection = client.onConnection((connection) => {
    const was = state.connection;
    set({ connection });
    if (connection === 'connected' && was !== 'connected') void reload();
  });

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    apply,
    dispose() {
      offEvent();
      offConnection();
      listeners.clear();
    },
  };
}
