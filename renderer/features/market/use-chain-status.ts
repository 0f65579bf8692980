import type { ChainStatus } from '../../../shared/domain/chain';
import { useApi } from '../../app/app-context';
import { queryKeys } from '../../lib/query/keys';
import { useAgentQuery } from '../../lib/query/query-client';
/** The chain hub's own words for a state that is not "online" (why offline, which chain ids differ). */
export function chainMessage(status: ChainStatus | null): string | null {
  if (!status || status.state === 'online') return null;
  return status.message;
}

/** The chain status query, kept current by `chainStatus` events (pushed on each change of the connection). */
export function useChainStatus(): ChainStatus | null {
  const api = useApi();
  return useAgentQuery(queryKeys.chainStatus, () => api.getChainStatus({})).data ?? null;
}
