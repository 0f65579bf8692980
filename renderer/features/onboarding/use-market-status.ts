import { useEffect, useState } from 'react';
import type { MarketStatus } from '../../../shared/domain/market';
import { useApi } from '../../app/app-context';

/**
 * The market's status (bidding, why not, wallet, stake) for the dashboard: fetched once,
 * then kept current from `marketStatus` events. null until known, or when this agent has
 * no market feature.
 */
export function useMarketStatus(): MarketStatus | null {
  const api = useApi();
  const [status, setStatus] = useState<MarketStatus | null>(null);
  useEffect(() => {
    let live = true;
    void api.getMarket({ limit: 1 }).then((result) => {
      if (live && result.ok) setStatus((current) => current ?? result.value.status);
    });
    const off = api.onEvent((event) => {
      if (event.name === 'marketStatus') setStatus(event.payload);
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return status;
}
