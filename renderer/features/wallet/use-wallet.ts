import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../../../shared/api/result';
import type { IncomingTransfer, WalletState, WalletTx } from '../../../shared/domain/wallet';
import { useApi } from '../../app/app-context';
import { queryKeys } from '../../lib/query/keys';
import { useAgentQuery } from '../../lib/query/query-client';

export interface WalletView {
  wallet: WalletState | null;
  loadError: ApiError | null;
  /** Newest first; kept current by walletTx events. */
  txs: WalletTx[];
  /** Token received, newest first; kept current by walletIncoming events. */
  incoming: IncomingTransfer[];
  unlockFraction: number | null;
  /** Apply a call's answer at once (the walletState push may follow). */
  set(state: WalletState): void;
}

/**
 * The wallet from the shared query cache: getWallet and listWalletTxs, kept current by
 * walletState, walletTx and walletUnlockProgress events (lib/query/live-events.ts), and
 * fetched again after a reconnect. A pushed state is never overwritten by a late answer.
 */
export function useWallet(): WalletView {
  const api = useApi();
  const client = useQueryClient();
  const wallet = useAgentQuery(queryKeys.wallet, () => api.getWallet({}));
  const txs = useAgentQuery(queryKeys.walletTxs, () => api.listWalletTxs({ limit: 50 }));
  const incoming = useAgentQuery(queryKeys.walletIncoming, () => api.listIncomingTransfers({ limit: 50 }));
  // Only events write the unlock progress; there is nothing to fetch.
  const unlock = useQuery<number | null>({ queryKey: queryKeys.walletUnlock, queryFn: () => null, initialData: null });
  return {
    wallet: wallet.data ?? null,
    loadError: wallet.error,
    txs: txs.data ?? [],
    incoming: incoming.data ?? [],
    unlockFraction: unlock.data,
    set: (state) => client.setQueryData(queryKeys.wallet, state),
  };
}
