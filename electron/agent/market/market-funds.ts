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
import { isActive } from '../../../shared/domain/provider-job-machine';
import { isDiskFull } from './disk-full';
import { IN_FLIGHT_PATIENCE_MS, type MarketProvider } from './market-provider';
import type { ProviderChain } from './provider-chain';

/** Gas money kept for the provider's transactions; the devnet faucet tops up below it. */
export const MIN_GAS_WEI = 10n ** 16n;
const DEVNET_GAS_WEI = 10n ** 18n;

export interface FundsDeps {
  wallet: WalletAccess;
  fund: typeof devnetFund;
  /** Reads the account afresh. */
  read: () => Promise<AccountReads | null>;
  notice: (text: string) => void;
  /** A send failed because the disk is full. */
  onDiskFull?: (error: unknown) => void;
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

/**
 * Withdraws earned credit in batches: when `minSettled` paid jobs wait, the credit reaches
 * the threshold, or the provider is idle (or `force`); and the very first earnings at once,
 * while no withdrawal of this provider has been confirmed yet (a newcomer sees the money
 * in the wallet within seconds of the first payment, issue 13). That is safe: the credit is
 * already final on chain (settled or released) and only ever moves to this wallet; stake is
 * not touched; batching exists only to save gas, and this costs one withdrawal's gas once. The paid jobs are marked with the
 * withdrawal (and its nonce) BEFORE it is waited for: after a crash, a withdrawal the chain
 * has not mined yet is waited for, never sent twice.
 */
export async function withdrawIfDue(
  deps: FundsDeps,
  chain: ProviderChain,
  provider: MarketProvider,
  options: { force: boolean; minSettled: number; thresholdMicros: bigint; now: () => Date },
): Promise<{ txHash: string | null; amount: bigint }> {
  if (!deps.wallet.address() || !deps.wallet.isUnlocked()) return { txHash: null, amount: 0n };
  const credit = (await deps.read())?.credit ?? 0n;
  if (credit === 0n) return { txHash: null, amount: 0n };
  const mine = [...provider.jobs.values()].map((j) => j.record);
  const withdrawals = (j: ProviderJob) => j.txs.filter((t) => t.kind === 'withdraw');
  const unpaid = (j: ProviderJob) => (j.state === 'settled' || j.state === 'released') && !withdrawals(j).some((t) => t.status !== 'failed');
  const pending = mine.flatMap(withdrawals).filter((t) => t.status === 'pending' && t.nonce !== undefined);
  if (pending.length > 0) {
    const mined = await chain.minedNonce();
    const inFlight = pending.some((t) => (t.nonce as number) >= mined && options.now().getTime() - Date.parse(t.at) < IN_FLIGHT_PATIENCE_MS);
    if (inFlight && !options.force) return { txHash: null, amount: 0n };
    // Mined (the credit read above already reflects it) or dropped: settle the marks.
    for (const entry of [...provider.jobs.values()]) {
      const mark = entry.record.txs.find((t) => t.kind === 'withdraw' && t.status === 'pending' && t.nonce !== undefined && (t.nonce as number) < mined);
      if (mark) await provider.settleWithdrawal(entry.record.chainJobId, mark.hash, 'confirmed', mark.blockNumber);
    }
  }
  const firstEarnings = !mine.some((j) => withdrawals(j).some((t) => t.status === 'confirmed'));
  const due =
    options.force ||
    firstEarnings ||
    !mine.some((j) => isActive(j.state) && j.problem === null) ||
    credit >= options.thresholdMicros ||
    mine.filter(unpaid).length >= options.minSettled;
  if (!due) return { txHash: null, amount: 0n };
  const paid = mine.filter(unpaid).map((j) => j.chainJobId);
  let sent;
  try {
    sent = await chain.withdraw(credit);
  } catch (error) {
    if (isDiskFull(error)) deps.onDiskFull?.(error);
    throw error;
  }
  await provider.recordWithdrawal(paid, { kind: 'withdraw', hash: sent.hash, status: 'pending', at: options.now().toISOString(), blockNumber: null, nonce: sent.nonce });
  const receipt = await sent.wait();
  for (const id of paid) await provider.settleWithdrawal(id, sent.hash, receipt.status, receipt.blockNumber, receipt.hash);
  if (receipt.status === 'confirmed') deps.notice(`Withdrew ${formatUsdMicros(credit)} of earnings to the wallet.`);
  await deps.read();
  return { txHash: receipt.hash, amount: receipt.status === 'confirmed' ? credit : 0n };
}
