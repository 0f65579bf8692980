import { useState } from 'react';
import type { WalletState } from '../../../shared/domain/wallet';
import { useApi, useSnapshot } from '../../app/app-context';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useCall } from '../../lib/use-call';
import { formatEth, formatToken } from './wallet-view';
import { cx } from '../../lib/cx';
import styles from './Wallet.module.css';

/** Hardhat's chain id: a local test chain whatever the settings call it (its default keys are public). */
const HARDHAT_CHAIN_ID = 31337;

/** Address, network, balances and the gas outlook; the lock button. */
export function WalletOverview({ wallet, onChange }: { wallet: WalletState; onChange(state: WalletState): void }) {
  const api = useApi();
  const lock = useCall(() => api.lockWallet({}));
  const [asking, setAsking] = useState(false);
  const running = useSnapshot().jobs.active.length;
  const { balances, gas, network } = wallet;
  return (
    <Section
      id="wallet-overview"
      title="Wallet"
      intro="Job earnings arrive here. Only this computer holds the key, encrypted with your password."
      actions={
        <button type="button" onClick={() => setAsking(true)} disabled={lock.pending || asking} data-testid="wallet-lock">
          Lock
        </button>
      }
    >
      {asking ? (
        <div className="prompt notice notice-warn" role="alertdialog" aria-labelledby="wallet-lock-title" data-testid="wallet-lock-explain">
          <p id="wallet-lock-title">
            <strong>Locking stops everything that needs a signature</strong>
            {running > 0 ? ` — and ${running === 1 ? 'a job is' : `${running} jobs are`} running now` : ''}: no new job is claimed, a
            finished job's result is not submitted (so it is not paid) and earnings are not withdrawn until you unlock again.
          </p>
          <div className="prompt-actions">
            <button
              type="button"
              className="button-primary"
              onClick={() =>
                void lock.run().then((r) => {
                  setAsking(false);
                  if (r.ok) onChange(r.value);
                })
              }
              data-testid="wallet-lock-confirm"
            >
              Lock anyway
            </button>
            <button type="button" onClick={() => setAsking(false)} data-testid="wallet-lock-cancel">
              Keep it unlocked
            </button>
          </div>
        </div>
      ) : null}
      <p className={styles.walletAddressLine}>
        <code className={styles.walletAddress} data-testid="wallet-address">
          {wallet.address}
        </code>{' '}
        <CopyButton text={wallet.address ?? ''} label="Copy address" />{' '}
        {network && (network.isDevnet || network.chainId === HARDHAT_CHAIN_ID) ? (
          <span className={cx('badge', 'badge-bad', styles.walletDevnetBadge)} data-testid="wallet-devnet-badge" title="A local test chain: its coins are worth nothing, and its keys are public.">
            LOCAL DEVNET
          </span>
        ) : network ? (
          <span className="badge badge-neutral">{network.label} (chain {network.chainId})</span>
        ) : null}
      </p>
      {!wallet.chainOnline ? <p className="muted">The chain is not reachable right now: balances may be out of date.</p> : null}
      <dl className={cx('facts', styles.walletBalances)}>
        <dt>Gas coin</dt>
        <dd data-testid="wallet-balance-gas">{balances ? formatEth(balances.gasWei) : '—'}</dd>
        <dt>{balances?.token?.symbol ?? 'Stablecoin'}</dt>
        <dd data-testid="wallet-balance-token" data-amount={balances?.token?.amount ?? ''}>
          {balances?.token ? formatToken(balances.token.amount, balances.token.decimals, balances.token.symbol) : '—'}
        </dd>
      </dl>
      {gas ? (
        gas.low ? (
          <div className="notice notice-error" role="alert" data-testid="wallet-low-gas">
            <p className="notice-message">Low on gas: enough for about {gas.jobsLeft} more jobs.</p>
            <p className="notice-hint">Each job costs about 160,000 gas (claim, submit, withdraw). Add some gas coin to this address.</p>
          </div>
        ) : (
          <p className="muted" data-testid="wallet-gas-outlook">
            Gas for about {gas.jobsLeft} more jobs at today's fees.
          </p>
        )
      ) : null}
      {lock.error ? <ErrorNotice error={lock.error} /> : null}
    </Section>
  );
}
