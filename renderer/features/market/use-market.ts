import { useEffect, useState } from 'react';
import type { AgentEvent } from '../../../shared/api/contract';
import type { ApiError } from '../../../shared/api/result';
import { useApi } from '../../app/app-context';
import { applyMarketEvent, type MarketState, marketStateFrom } from './market-state';

/** Open jobs the page asks for; the table says when the market holds more. */
export const OPEN_JOBS_LIMIT = 500;
/** Reloads asked for by events (a reset, a job we never saw) are coalesced over this. */
const RELOAD_COALESCE_MS = 300;

export interface MarketData {
  state: MarketState | null;
  error: ApiError | null;
  reload(): void;
}

/**
 * The Market page's data: getMarket once, then the market events (the page never polls).
 * Events that arrive while a getMarket is in flight are replayed on its answer, and the
 * list is fetched again whenever the event stream reconnects (events sent meanwhile are lost).
 */
export function useMarket(): MarketData {
  const api = useApi();
  const [state, setState] = useState<MarketState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let disposed = false;
    let current: MarketState | null = null;
    let pending: AgentEvent[] | null = null;
    let generation = 0;
    let timer: number | undefined;

    const publish = (next: MarketState) => {
      current = next;
      if (!disposed) setState(next);
    };

    const load = async () => {
      const mine = ++generation;
      pending ??= [];
      const result = await api.getMarket({ limit: OPEN_JOBS_LIMIT });
      if (disposed || mine !== generation) return;
      const replay = pending ?? [];
      pending = null;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      let next = marketStateFrom(result.value);
      // Replayed events never ask for another reload: the answer is newer than the reason.
      for (const event of replay) next = applyMarketEvent(next, event).state;
      publish(next);
    };

    const scheduleReload = () => {
      if (timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        void load();
      }, RELOAD_COALESCE_MS);
    };

    const offEvent = api.onEvent((event) => {
      if (event.name !== 'marketStatus' && event.name !== 'marketJobs' && event.name !== 'marketJob') return;
      if (pending) pending.push(event);
      if (!current) return;
      const result = applyMarketEvent(current, event);
      if (result.state !== current) publish(result.state);
      if (result.reload) scheduleReload();
    });
    const offConnection = api.onConnection((connection) => {
      if (connection === 'connected') void load();
    });
    void load();

    return () => {
      disposed = true;
      window.clearTimeout(timer);
      offEvent();
      offConnection();
    };
  }, [api, reloads]);

  return { state, error, reload: () => setReloads((n) => n + 1) };
}
