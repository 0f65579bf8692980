import { useEffect, useState } from 'react';
import { useApi } from '../../app/app-context';

/**
 * The wallet's address (null while there is none), kept current from `walletState`
 * events; `undefined` until the first answer. An agent without the wallet feature
 * answers `unavailable`, which reads as "no wallet".
 */
export function useWalletAddress(): string | null | undefined {
  const api = useApi();
  const [address, setAddress] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void api.getWallet({}).then((result) => {
      if (live) setAddress(result.ok ? result.value.address : null);
    });
    const off = api.onEvent((event) => {
      if (event.name === 'walletState') setAddress(event.payload.address);
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return address;
}
