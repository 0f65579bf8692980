import { formatAmount } from '../../../shared/domain/wallet';
import type { WalletTx, WalletTxStatus } from '../../../shared/domain/wallet';

/** Gas coin in ETH with up to 6 decimals. */
export const formatEth = (wei: string | bigint) => `${formatAmount(wei, 18, 6)} ETH`;

export const formatToken = (amount: string | bigint, decimals: number, symbol: string) => `${formatAmount(amount, decimals, decimals)} ${symbol}`;

export const shortHash = (hash: string) => `${hash.slice(0, 10)}…${hash.slice(-6)}`;

export const STATUS_VIEW: Record<WalletTxStatus, { label: string; badge: string }> = {
  pending: { label: 'Pending', badge: 'badge-neutral' },
  confirmed: { label: 'Confirmed', badge: 'badge-ok' },
  failed: { label: 'Failed', badge: 'badge-bad' },
  dropped: { label: 'Dropped', badge: 'badge-bad' },
};

export function txAmount(tx: WalletTx, token: { decimals: number; symbol: string } | null): string {
  if (tx.token) return token ? formatToken(tx.token.amount, token.decimals, token.symbol) : tx.token.amount;
  return tx.value === '0' ? '—' : formatEth(tx.value);
}

export const KIND_LABEL: Record<WalletTx['kind'], string> = {
  transfer: 'Transfer',
  sweep: 'Sweep to payout',
  approve: 'Approve',
  stake: 'Stake',
  claim: 'Claim job',
  submit: 'Submit result',
  release: 'Release job',
  finalize: 'Finalize',
  withdraw: 'Withdraw earnings',
  other: 'Other',
};
