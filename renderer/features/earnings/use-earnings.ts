import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Result } from '../../../shared/api/result';
import { queryKeys } from '../../lib/query/keys';
import { type AgentCallError, unwrap } from '../../lib/query/query-client';

/**
 * Something read from the earnings ledger, under `key` (which names the call and its
 * arguments, say "earnings:week"): loaded once, again whenever the ledger changes (a
 * `ledgerUpdated` event invalidates every ledger query) or the stream reconnects. Keeps
 * the last good value while a new key loads.
 */
export function useLedgerQuery<T>(load: () => Promise<Result<T>>, key: string) {
  const query = useQuery<T, AgentCallError>({
    queryKey: [...queryKeys.ledger, key],
    queryFn: () => unwrap(load()),
    placeholderData: keepPreviousData,
  });
  return { value: query.data ?? null, error: query.error?.error ?? null };
}
