import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../../shared/api/result';
import { useApi } from '../../app/app-context';
import type { MarketState } from '../../features/market/market-state';
import { INITIAL_LOG_TAIL, type LogTail } from '../job-log-tail';
import { jobLogTailQuery, marketListQuery } from './follow-queries';
import type { AgentCallError } from './query-client';

/** The Market page's list from the shared cache, kept current by the market events. */
export function useMarketList(): { state: MarketState | null; error: ApiError | null; reload(): void } {
  const api = useApi();
  const client = useQueryClient();
  const query = useQuery<MarketState, AgentCallError>(marketListQuery(client, api));
  return { state: query.data ?? null, error: query.error?.error ?? null, reload: () => void query.refetch() };
}

/**
 * The last `max` log lines of one job from the shared cache: getJobLogs, then the pushed
 * `jobLog` lines. Only the components that show a log read it, so the batches that arrive
 * several times a second re-render nothing else.
 */
export function useJobLogTail(jobId: string, max = 500): LogTail {
  const api = useApi();
  const client = useQueryClient();
  const query = useQuery<LogTail>(jobLogTailQuery(client, api, jobId, max));
  return query.data ?? INITIAL_LOG_TAIL;
}
