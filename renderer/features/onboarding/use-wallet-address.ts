import { useApi } from '../../app/app-context';
import { queryKeys } from '../../lib/query/keys';
import { useAgentQuery } from '../../lib/query/query-client';

/**
 * The wallet's address (null while there is none), from the shared wallet query (kept
 * current by `walletState` events); `undefined` until the first answer. An agent without
 * the wallet feature answers `unavailable`, which reads as "no wallet".
 */
export function useWalletAddress(): string | null | undefined {
  const api = useApi();
  const { data, error } = useAgentQuery(queryKeys.wallet, () => api.getWallet({}));
  if (data) return data.address;
  return error ? null : undefined;
}
