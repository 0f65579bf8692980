import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api/result';
import type { WalletState, WalletTx } from '../../../shared/domain/wallet';
import { useApi } from '../../app/app-context';

export interface WalletView {
  wallet: WalletState | null;
  loadError: ApiError | null;
  /** Newest first; refreshed on every walletTx event. */
  txs: WalletTx[];
  unlockFraction: number | null;
  /** Apply a call's answer at once (the walletState push may follow). */
  set(state: WalletState): void;
}

/**
 * The wallet is not part of the app snapshot: this hook loads it with getWallet and then
 * follows walletState, walletTx and walletUnlockProgress events (no polling).
 */
export function useWallet(): WalletView {
  const api = useApi();
  const [wallet, setWallet] = useState<WalletState | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [txs, setTxs] = useState<WalletTx[]>([]);
  const [unlockFraction, setUnlockFraction] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    const loadTxs = () =>
      void api.listWalletTxs({ limit: 50 }).then((result) => {
        if (live && result.ok) setTxs(result.value);
      });
    void api.getWallet({}).then((result) => {
      if (!live) return;
      if (result.ok) setWallet(result.value);
      else setLoadError(result.error);
    });
    loadTxs();
    const off = api.onEvent((event) => {
      if (event.name === 'walletState') {
        setWallet(event.payload);
        if (event.payload.state !== 'unlocking') setUnlockFraction(null);
      } else if (event.name === 'walletUnlockProgress') {
        setUnlockFraction(event.payload.fraction);
      } else if (event.name === 'walletTx') {
        const tx = event.payload;
        setTxs((current) => [tx, ...current.filter((t) => t.id !== tx.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
      }
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);

  return { wallet, loadError, txs, unlockFraction, set: setWallet };
}
