/**
 * What the wallet offers the other agent features (the marketplace client signs claims,
 * submits and withdrawals through it). NOT exposed to the renderer. Keys stay in the key
 * worker: callers describe a transaction; the wallet picks nonce and fees, has the worker
 * sign it, broadcasts and follows it.
 */
export type TxKind = 'transfer' | 'sweep' | 'approve' | 'stake' | 'claim' | 'submit' | 'release' | 'finalize' | 'withdraw' | 'other';

export interface SentTx {
  id: string;
  hash: string;
  nonce: number;
  /** Resolves when mined (following replacements); status 'failed' = reverted. Rejects only if dropped for good. */
  wait(): Promise<{ status: 'confirmed' | 'failed'; hash: string; blockNumber: number; gasUsed: bigint; effectiveGasPrice: bigint }>;
}

export interface TxIntent {
  to: string;
  data?: string;
  value?: bigint;
  gasLimit?: bigint;
  /**
   * Without gasLimit: the least limit sent, whatever the estimate. For a call whose cost
   * depends on who else gets mined first (a replica's reveal that turns out to be the last
   * one settles the whole round): the estimate is taken before that race is decided.
   */
  minGasLimit?: bigint;
  label: string;
  kind: TxKind;
  jobId?: string;
  /** The stablecoin amount this transaction moves (stake, withdraw), shown on its row. */
  token?: { amount: bigint; recipient: string };
}

export interface WalletAccess {
  /** null until a wallet exists. */
  address(): string | null;
  isUnlocked(): boolean;
  /** created/imported/locked/unlocked */
  onChange(listener: () => void): () => void;
  /**
   * One queue per account: nonce manager, EIP-1559 fees, persisted pending txs, replacement when stuck.
   * Throws AgentError('wallet_locked' | 'no_wallet' | 'chain_offline' | 'wrong_chain', ...).
   */
  send(intent: TxIntent): Promise<SentTx>;
  /** Keeps the wallet unlocked while the provider has work in flight (auto-lock waits). */
  holdUnlocked(reason: string): () => void;
}

export { createWalletFeature } from './wallet-feature';
export type { WalletFeatureDeps } from './wallet-feature';
