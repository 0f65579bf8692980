/**
 * The wallet part of the API contract (spread into shared/api/contract.ts). Kept in its own
 * file so each feature's calls and events sit beside each other.
 *
 * What crosses to the renderer: addresses, balances, transactions, encrypted keystores.
 * A mnemonic crosses only twice: the words of a new wallet (once, before it is saved) and
 * revealSecret after the password was typed again. Keys never do otherwise.
 */
import { z } from 'zod';
import {
  AmountSchema,
  CreatedWalletSchema,
  ExistingPasswordSchema,
  ImportSourceSchema,
  PasswordSchema,
  RevealedSecretSchema,
  TransferAssetSchema,
  TransferPreviewSchema,
  UnlockProgressSchema,
  WalletStateSchema,
  WalletTxSchema,
  IncomingTransferSchema,
  WordCheckSchema,
} from '../domain/wallet';
import { defineCall, EmptyRequest } from './define-call';

const call = defineCall;

export const walletCalls = {
  /** State, address, balances, gas outlook, pending transactions, remember-on-device availability. */
  getWallet: call(EmptyRequest, WalletStateSchema),
  /**
   * Generates a 12-word wallet and returns its words ONCE. Nothing is saved until
   * confirmWalletWords; an existing wallet is kept unless replaceExisting (then backed up).
   */
  createWallet: call(z.object({ replaceExisting: z.boolean().optional() }).strict(), CreatedWalletSchema),
  /** Checks the requested words, encrypts the wallet with the password, saves and unlocks it. */
  confirmWalletWords: call(
    z.object({ creationId: z.string().min(1).max(100), checks: z.array(WordCheckSchema).min(1).max(24), password: PasswordSchema }).strict(),
    WalletStateSchema,
  ),
  importWallet: call(
    z.object({ source: ImportSourceSchema, password: PasswordSchema, replaceExisting: z.boolean().optional() }).strict(),
    WalletStateSchema,
  ),
  /** Runs the key derivation off the agent's thread; progress arrives as walletUnlockProgress. */
  unlockWallet: call(z.object({ password: ExistingPasswordSchema, remember: z.boolean().optional() }).strict(), WalletStateSchema),
  lockWallet: call(EmptyRequest, WalletStateSchema),
  /** The mnemonic (or private key) — only with the password typed again. */
  revealSecret: call(z.object({ password: ExistingPasswordSchema }).strict(), RevealedSecretSchema),
  /** The encrypted keystore file (portable backup) — only with the password typed again. */
  exportKeystore: call(
    z.object({ password: ExistingPasswordSchema }).strict(),
    z.object({ fileName: z.string(), json: z.string() }),
  ),
  /**
   * Fee preview and checks for a transfer; sendTransfer needs its previewId (short-lived)
   * and the wallet password again: money leaving the wallet needs more than the dashboard
   * token (a password-file rig is always unlocked).
   */
  previewTransfer: call(
    z.object({ asset: TransferAssetSchema, to: z.string().min(1).max(100), amount: AmountSchema }).strict(),
    TransferPreviewSchema,
  ),
  sendTransfer: call(z.object({ previewId: z.string().min(1).max(100), password: ExistingPasswordSchema }).strict(), WalletTxSchema),
  /** Keep the password in the OS keychain (Electron safeStorage) to unlock at start; refused without one. */
  setRememberOnDevice: call(
    z.object({ enabled: z.boolean(), password: ExistingPasswordSchema.optional() }).strict(),
    WalletStateSchema,
  ),
  /** Newest first. */
  listWalletTxs: call(z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), z.array(WalletTxSchema)),
  /** Token received by this wallet (the token's Transfer events to it), newest first. */
  listIncomingTransfers: call(z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), z.array(IncomingTransferSchema)),
} as const;

export const walletEvents = {
  /** The wallet's state changed (created, locked, unlocked, balances, pending txs). */
  walletState: WalletStateSchema,
  /** A transaction was sent, replaced, confirmed, failed or dropped. */
  walletTx: WalletTxSchema,
  walletUnlockProgress: UnlockProgressSchema,
  /** Token came in: the newest incoming transfers (up to 50), newest first. */
  walletIncoming: z.array(IncomingTransferSchema),
} as const;
