/**
 * The queries that load, then follow their events (follow.ts): the snapshot, the Market
 * list and a job's log tail. Each is a key, a load and (for the log) how pushed lines meet
 * the answer; live-events.ts says which events fold into which. Options objects, so tests
 * run them through a QueryObserver without React; the hooks use them as they are.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { RigshiftApi } from '../../../shared/api/contract';
import type { ApiError } from '../../../shared/api/result';
import type { Snapshot } from '../../../shared/domain/snapshot';
import { type MarketState, marketStateFrom } from '../../features/market/market-state';
import { type LogTail, type RawLogLine, tailFromAnswer, tailLimit } from '../job-log-tail';
import { followedFetch, type FoldOp } from './follow';
import { queryKeys } from './keys';
import { unwrap } from './query-client';

/** Open jobs the Market page asks for; the table says when the market holds more. */
export const OPEN_JOBS_LIMIT = 500;

export function snapshotQuery(client: QueryClient, api: Pick<RigshiftApi, 'getSnapshot'>) {
  return {
    queryKey: queryKeys.snapshot,
    queryFn: followedFetch<Snapshot>(client, queryKeys.snapshot, () => unwrap(api.getSnapshot({}))),
  };
}

export function marketListQuery(client: QueryClient, api: Pick<RigshiftApi, 'getMarket'>) {
  return {
    queryKey: queryKeys.marketList,
    queryFn: followedFetch<MarketState>(client, queryKeys.marketList, async () =>
      marketStateFrom(await unwrap(api.getMarket({ limit: OPEN_JOBS_LIMIT }))),
    ),
  };
}

type LogAnswer = { ok: true; lines: readonly RawLogLine[] } | { ok: false; error: ApiError };

const pushedLines = (ops: readonly FoldOp[]): RawLogLine[] =>
  ops.flatMap((op) => (op.event.name === 'jobLog' ? op.event.payload.lines : []));

/**
 * The last `max` lines of one job's log. A failed getJobLogs is data (the tail says so and
 * still shows pushed lines), so the query itself never fails.
 */
export function jobLogTailQuery(client: QueryClient, api: Pick<RigshiftApi, 'getJobLogs'>, jobId: string, max: number) {
  const limit = tailLimit(max);
  const key = queryKeys.jobLogTail(jobId, limit);
  return {
    queryKey: key,
    queryFn: followedFetch<LogTail, LogAnswer>(
      client,
      key,
      async () => {
        const result = await api.getJobLogs({ jobId, tail: limit });
        return result.ok ? { ok: true, lines: result.value.lines } : { ok: false, error: result.error };
      },
      // Lines pushed meanwhile may repeat the answer's last lines: tailFromAnswer drops those.
      (answer, ops) => tailFromAnswer(answer, pushedLines(ops), limit, client.getQueryData<LogTail>(key)?.nextSeq ?? 0),
    ),
  };
}
