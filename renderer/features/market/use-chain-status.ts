import { useEffect, useState } from 'react';
import type { ChainStatus } from '../../../shared/domain/chain';
import { useApi } from '../../app/app-context';

/** The chain hub's own words for a state that is not "online" (why offline, which chain ids differ). */
export function chainMessage(status: ChainStatus | null): string | null {
  if (!status || status.state === 'online') return null;
  return status.message;
}

/** getChainStatus once, then every `chainStatus` event (pushed on each change of the connection). */
export function useChainStatus(): ChainStatus | null {
  const api = useApi();
  const [status, setStatus] = useState<ChainStatus | null>(null);
  useEffect(() => {
    let pushed = false;
    let disposed = false;
    const off = api.onEvent((event) => {
      if (event.name !== 'chainStatus') return;
      pushed = true;
      setStatus(event.payload);
    });
    void api.getChainStatus({}).then((result) => {
      // A pushed status is newer than the answer to a request sent before it.
      if (!disposed && !pushed && result.ok) setStatus(result.value);
    });
    return () => {
      disposed = true;
      off();
    };
  }, [api]);
  return status;
}
