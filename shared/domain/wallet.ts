/**
 * The wallet as the renderer sees it: addresses, balances, transactions and states. No
 * schema here carries a key or a mnemonic except RevealedSecretSchema (the explicit
 * reveal call) and the words of a wallet being created (shown once, before it is saved).
 * Amounts are bigint on both sides and decimal strings on the wire.
 */
import { z } from 'zod';

/** A non-negative integer amount in base units (wei, token micros), as a decimal string. */
export const AmountSchema = z.string().regex(/^[0-9]{1,78}$/, 'An amount is a whole number of base units.');

export const WalletLifecycleSchema = z.enum(['none', 'locked', 'unlocking', 'unlocked']);
export type WalletLifecycle = z.infer<typeof WalletLifecycleSchema>;

export const TxKindSchema = z.enum([
  'transfer', 'sweep', 'approve', 'stake', 'claim', 'submit', 'release', 'finalize', 'withdraw', 'other',
]);

export const WalletTxStatusSchema = z.enum(['pending', 'confirmed', 'failed', 'dropped']);
export type WalletTxStatus = z.infer<typeof WalletTxStatusSchema>;

/** One transaction the wallet sent, followed across fee replacements. */
export const WalletTxSchema = z.object({
  id: z.string(),
  kind: TxKindSchema,
  label: z.string(),
  jobId: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  /** Gas-coin value sent (wei). */
  value: AmountSchema,
  /** For token transfers and sweeps: the token amount (micros) and recipient, for display. */
  token: z.object({ amount: AmountSchema, recipient: z.string() }).nullable(),
  nonce: z.number().int().min(0),
  chainId: z.number().int(),
  status: WalletTxStatusSchema,
  /** The hash of the attempt that counts: the mined one, else the newest broadcast. */
  hash: z.string(),
  /** Every hash broadcast for this nonce (replacements append). */
  hashes: z.array(z.string()),
  gasLimit: AmountSchema,
  maxFeePerGas: AmountSchema,
  maxPriorityFeePerGas: AmountSchema,
  blockNumber: z.number().int().nullable(),
  gasUsed: AmountSchema.nullable(),
  effectiveGasPrice: AmountSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Why it failed or was dropped, in words. */
  error: z.string().nullable(),
});
export type WalletTx = z.infer<typeof WalletTxSchema>;

/**
 * Token that came into the wallet: a Transfer event of the token to our address (a mint
 * from the zero address included), read from the chain's event log. Explains the balance.
 */
export const IncomingTransferSchema = z.object({
  /** txHash:logIndex. */
  id: z.string(),
  from: z.string(),
  /** Token base units (micros). */
  amount: AmountSchema,
  txHash: z.string(),
  blockNumber: z.number().int(),
  /** The block's time (ISO). */
  at: z.string(),
});
export type IncomingTransfer = z.infer<typeof IncomingTransferSchema>;

export const WalletBalancesSchema = z.object({
  /** Gas coin (ETH on the devnet), wei. */
  gasWei: AmountSchema,
  token: z.object({ symbol: z.string(), decimals: z.number().int(), address: z.string(), amount: AmountSchema }).nullable(),
  updatedAt: z.string(),
});
export type WalletBalances = z.infer<typeof WalletBalancesSchema>;

/** "Enough gas for about N more jobs": N = gas balance / (160k gas × current max fee). */
export const GasOutlookSchema = z.object({
  jobsLeft: AmountSchema,
  maxFeePerGas: AmountSchema,
  low: z.boolean(),
});

export const WalletProblemSchema = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });

export const WalletStateSchema = z.object({
  state: WalletLifecycleSchema,
  /** Checksummed; null while there is no wallet. */
  address: z.string().nullable(),
  source: z.enum(['created', 'mnemonic', 'privateKey']).nullable(),
  /** BIP-44 path for HD wallets (m/44'/60'/0'/0/i). */
  path: z.string().nullable(),
  network: z.object({ label: z.string(), chainId: z.number().int(), isDevnet: z.boolean() }).nullable(),
  chainOnline: z.boolean(),
  balances: WalletBalancesSchema.nullable(),
  gas: GasOutlookSchema.nullable(),
  pendingTxs: z.array(WalletTxSchema),
  remember: z.object({ available: z.boolean(), reason: z.string().nullable(), enabled: z.boolean() }),
  /** A keystore file that cannot be used (damaged or not a keystore): what and why. */
  problem: WalletProblemSchema.nullable(),
  /** 0..1 while unlocking. */
  unlockProgress: z.number().min(0).max(1).nullable(),
});
export type WalletState = z.infer<typeof WalletStateSchema>;

export const PasswordSchema = z.string().min(8, 'Use at least 8 characters.').max(1024);
/** For unlock and reveal: any length the keystore was made with. */
export const ExistingPasswordSchema = z.string().min(1).max(1024);

export const WordCheckSchema = z.object({ index: z.number().int().min(0).max(23), word: z.string().min(1).max(32) }).strict();

export const CreatedWalletSchema = z.object({
  creationId: z.string(),
  /** Shown once; nothing is saved until confirmWalletWords. */
  words: z.array(z.string()),
  /** Which words (0-based) the owner must type back. */
  confirmIndexes: z.array(z.number().int()),
  expiresAt: z.string(),
});

/** What to import: a BIP-39 phrase (with the account index) or a raw private key. */
export const ImportSourceSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('mnemonic'),
      phrase: z.string().min(1).max(1000),
      /** Account index i on m/44'/60'/0'/0/i. */
      index: z.number().int().min(0).max(2 ** 31 - 1),
      /** Optional BIP-39 passphrase (the "25th word"). */
      passphrase: z.string().max(1024).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('privateKey'), privateKey: z.string().min(1).max(200) }).strict(),
]);
export type ImportSource = z.infer<typeof ImportSourceSchema>;

export const RevealedSecretSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mnemonic'), words: z.array(z.string()), path: z.string(), hasPassphrase: z.literal(false) }),
  z.object({ kind: z.literal('privateKey'), privateKey: z.string() }),
]);
export type RevealedSecret = z.infer<typeof RevealedSecretSchema>;

export const TransferAssetSchema = z.enum(['gas', 'token']);

export const TransferPreviewSchema = z.object({
  previewId: z.string(),
  asset: TransferAssetSchema,
  /** Checksummed recipient. */
  to: z.string(),
  amount: AmountSchema,
  symbol: z.string(),
  decimals: z.number().int(),
  gasLimit: AmountSchema,
  maxFeePerGas: AmountSchema,
  maxPriorityFeePerGas: AmountSchema,
  /** Upper bound of the fee: gasLimit × maxFeePerGas (wei). */
  maxFeeWei: AmountSchema,
  expiresAt: z.string(),
});
export type TransferPreview = z.infer<typeof TransferPreviewSchema>;

export const UnlockProgressSchema = z.object({ fraction: z.number().min(0).max(1) });

/** Provider gas per job (claim + submit + a share of withdraw; chain.md §2.2). */
export const GAS_PER_JOB = 160_000n;
/** Below this many jobs' worth of gas the wallet warns. */
export const LOW_GAS_JOBS = 20n;

export function gasOutlook(gasWei: bigint, maxFeePerGas: bigint): z.infer<typeof GasOutlookSchema> {
  const perJob = GAS_PER_JOB * (maxFeePerGas > 0n ? maxFeePerGas : 1n);
  const jobsLeft = gasWei / perJob;
  return { jobsLeft: jobsLeft.toString(), maxFeePerGas: maxFeePerGas.toString(), low: jobsLeft < LOW_GAS_JOBS };
}

/** "1.5" with 6 decimals → 1500000n; null when the text is not a plain decimal or has too many digits. */
export function parseDecimalAmount(text: string, decimals: number): bigint | null {
  const match = /^\s*([0-9]*)(?:\.([0-9]*))?\s*$/.exec(text);
  if (!match) return null;
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (whole === '' && fraction === '') return null;
  if (fraction.length > decimals) return null;
  return BigInt(whole || '0') * 10n ** BigInt(decimals) + BigInt((fraction + '0'.repeat(decimals)).slice(0, decimals) || '0');
}

/** 1500000n with 6 decimals → "1.5". */
export function formatAmount(amount: bigint | string, decimals: number, maxFractionDigits = decimals): string {
  const value = typeof amount === 'string' ? BigInt(amount) : amount;
  const base = 10n ** BigInt(decimals);
  const whole = value / base;
  let fraction = (value % base).toString().padStart(decimals, '0').slice(0, maxFractionDigits);
  fraction = fraction.replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
