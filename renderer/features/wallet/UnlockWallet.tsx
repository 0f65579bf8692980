import { useState } from 'react';
import type { WalletState } from '../../../shared/domain/wallet';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatPercent } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import styles from './Wallet.module.css';

/** Password in, key derivation (a second or so) with a progress bar; the agent keeps running meanwhile. */
export function UnlockWallet({ wallet, fraction, onDone }: { wallet: WalletState; fraction: number | null; onDone(state: WalletState): void }) {
  const api = useApi();
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const unlock = useCall(() => api.unlockWallet({ password, ...(remember ? { remember } : {}) }));
  const busy = unlock.pending || wallet.state === 'unlocking';
  return (
    <form
      data-testid="wallet-unlock"
      onSubmit={(e) => {
        e.preventDefault();
        void unlock.run().then((r) => {
          if (r.ok) {
            setPassword('');
            onDone(r.value);
          }
        });
      }}
    >
      <p>
        The wallet <code className={styles.walletAddress}>{wallet.address}</code> is locked.
      </p>
      <label className="field">
        <span className="field-label">Password</span>
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="wallet-unlock-password" />
      </label>
      {wallet.remember.available ? (
        <label className="field field-check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <span className="field-label">Remember on this device (unlock automatically at start)</span>
        </label>
      ) : null}
      {busy ? (
        <div className="progress progress-exact" role="progressbar" aria-label="Unlocking" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((fraction ?? 0) * 100)} data-testid="wallet-unlock-progress">
          <div className="progress-fill" style={{ width: formatPercent(fraction ?? 0) }} />
        </div>
      ) : null}
      {unlock.error ? <ErrorNotice error={unlock.error} testId="wallet-unlock-error" /> : null}
      <button type="submit" className="button-primary" disabled={!password || busy} data-testid="wallet-unlock-submit">
        {busy ? `Unlocking… ${formatPercent(fraction ?? 0)}` : 'Unlock'}
      </button>
    </form>
  );
}
