import type { MarketPrices } from '../../../../shared/domain/market-prices';
import { useApi } from '../../../app/app-context';
import { queryKeys } from '../../../lib/query/keys';
import { useAgentQuery } from '../../../lib/query/query-client';

/**
 * getMarketPrices, loaded once and again whenever the agent pushes `marketPricesUpdated`
 * (live-events.ts). An agent without the v2 market answers `unavailable`: the caller shows
 * "no market data yet" and the suggestion falls back to the reference table.
 */
export function useMarketPrices() {
  const api = useApi();
  const query = useAgentQuery<MarketPrices>(queryKeys.marketPrices, () => api.getMarketPrices({}));
  return { prices: query.data ?? null, error: query.error };
}
