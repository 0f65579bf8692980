import type { MarketStatus } from '../../../shared/domain/market';
import { useApi } from '../../app/app-context';
import { queryKeys } from '../../lib/query/keys';
import { useAgentQuery } from '../../lib/query/query-client';

/**
 * The market's status (bidding, why not, wallet, stake) for the dashboard, from the shared
 * query that `marketStatus` events keep current. null until known, or when this agent has
 * no market feature.
 */
export function useMarketStatus(): MarketStatus | null {
  const api = useApi();
  const { data } = useAgentQuery(queryKeys.marketStatus, async () => {
    const result = await api.getMarket({ limit: 1 });
    return result.ok ? { ok: true as const, value: result.value.status } : result;
  });
  return data ?? null;
}
