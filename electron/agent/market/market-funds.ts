/**
 * Money moves the provider makes on its own: topping up free stake before a claim
 * (exact-amount approval, never an infinite one; the devnet faucet first on a local chain)
 * and withdrawing earned credit in batches.
 */
import type { ChainConnection } from '../chain/chain-hub';
import type { devnetFund } from '../chain/devnet-faucet';
import type { WalletAccess } from '../wallet/wallet-access';
import type { ProviderJob } from '../../../shared/domain/market';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { type AccountReads, encode, isLocalChain, type MarketConstants } from './chain-reads';
import type { MarketProvider } from './market-provider';

/** Gas money kept for the provider's transactions; the devnet faucet tops up below it. */
export const MIN_GAS_WEI = 10n ** 16n;
const DEVNET_GAS_WEI = 10n ** 18n;

export interface FundsDeps {
  wallet: WalletAccess;
  fund: typeof devnetFund;
  /** Reads the account afresh. */
  read: () => Promise<AccountReads | null>;
  notice: (text: string) => void;
}

/** Free stake of at least minStake; false when the wallet cannot cover the deposit. */
export async function ensureStake(deps: FundsDeps, connection: ChainConnection, constants: MarketConstants): Promise<boolean> {
  const address = deps.wallet.address();
  if (!address) return false;
  let account = await deps.read();
  if (!account) return false;
  const shortOfStake = account.freeStake < constants.minStake && account.token < constants.minStake - account.freeStake;
  if (isLocalChain(connection.network) && (account.eth < MIN_GAS_WEI || shortOfStake)) {
    const eth = account.eth < MIN_GAS_WEI ? DEVNET_GAS_WEI : undefined;
    const tokenMicros = shortOfStake ? constants.minStake * 4n : undefined;
    await deps.fund(connection, address, { eth, tokenMicros });
    deps.notice(`Funded the wallet from the local devnet faucet (${[eth ? 'gas' : '', tokenMicros ? `${formatUsdMicros(tokenMicros)} in tUSD` : ''].filter(Boolean).join(', ')}).`);
    account = await deps.read();
    if (!account) return false;
  }
  if (account.freeStake >= constants.minStake) return true;
  const need = constants.minStake - account.freeStake;
  if (account.token < need) return false;
  const market = connection.network.marketAddress;
  if (account.allowance < need) {
    const sent = await deps.wallet.send({ to: connection.network.tokenAddress, data: encode.approve(market, need), kind: 'approve', label: `Approve ${formatUsdMicros(need)} for the stake` });
    if ((await sent.wait()).status !== 'confirmed') return false;
  }
  const sent = await deps.wallet.send({
    to: market,
    data: encode.depositStake(need),
    kind: 'stake',
    label: `Deposit ${formatUsdMicros(need)} of stake`,
    token: { amount: need, recipient: market },
  });
  const ok = (await sent.wait()).status === 'confirmed';
  if (ok) deps.notice(`Deposited ${formatUsdMicros(need)} of stake.`);
  const after = await deps.read();
  return ok && after !== null && after.freeStake >= constants.minStake;
}

/** Withdraws the whole credit; returns the receipt or null when there was nothing. */
export async function withdrawCredit(deps: FundsDeps, connection: ChainConnection, credit: bigint) {
  if (credit === 0n) return null;
  const sent = await deps.wallet.send({
    to: connection.network.marketAddress,
    data: encode.withdraw(),
    kind: 'withdraw',
    label: `Withdraw ${formatUsdMicros(credit)} of earnings`,
    token: { amount: credit, recipient: deps.wallet.address() ?? connection.network.marketAddress },
  });
  const receipt = await sent.wait();
  if (receipt.status === 'confirmed') deps.notice(`Withdrew ${formatUsdMicros(credit)} of earnings to the wallet.`);
  return receipt;
}

/**
 * Withdraws earned credit in batches: when `minSettled` paid jobs wait, the credit reaches
 * the threshold, or the provider is idle (or `force`). Marks the paid jobs with the tx.
 */
export async function withdrawIfDue(
  deps: FundsDeps,
  connection: ChainConnection,
  provider: MarketProvider,
  options: { force: boolean; isActive: (job: ProviderJob) => boolean; minSettled: number; thresholdMicros: bigint; now: () => Date },
): Promise<{ txHash: string | null; amount: bigint }> {
  if (!deps.wallet.address() || !deps.wallet.isUnlocked()) return { txHash: null, amount: 0n };
  const credit = (await deps.read())?.credit ?? 0n;
  if (credit === 0n) return { txHash: null, amount: 0n };
  const mine = [...provider.jobs.values()].map((j) => j.record);
  const unpaid = (j: ProviderJob) => (j.state === 'settled' || j.state === 'released') && !j.txs.some((t) => t.kind === 'withdraw');
  const due = options.force || !mine.some(options.isActive) || credit >= options.thresholdMicros || mine.filter(unpaid).length >= options.minSettled;
  if (!due) return { txHash: null, amount: 0n };
  const receipt = await withdrawCredit(deps, connection, credit);
  if (!receipt) return { txHash: null, amount: 0n };
  if (receipt.status === 'confirmed') {
    for (const entry of provider.jobs.values()) {
      if (!unpaid(entry.record)) continue;
      const tx = { kind: 'withdraw' as const, hash: receipt.hash, status: 'confirmed' as const, at: options.now().toISOString(), blockNumber: receipt.blockNumber };
      await provider.update(entry, { txs: [...entry.record.txs, tx] });
    }
  }
  await deps.read();
  return { txHash: receipt.hash, amount: receipt.status === 'confirmed' ? credit : 0n };
}
