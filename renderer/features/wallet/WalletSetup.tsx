import { useState } from 'react';
import type { WalletState } from '../../../shared/domain/wallet';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { CreateWallet } from './CreateWallet';
import { ImportWallet } from './ImportWallet';
import { UnlockWallet } from './UnlockWallet';
import { useWallet } from './use-wallet';
import styles from './Wallet.module.css';

/**
 * Create, import or unlock the wallet — whatever the wallet needs to become usable. The
 * Wallet page and the onboarding wizard both embed it; onDone fires with the unlocked state.
 */
export function WalletSetup({ onDone }: { onDone?: (state: WalletState) => void }) {
  const { wallet, loadError, unlockFraction, set } = useWallet();
  const [mode, setMode] = useState<'choose' | 'create' | 'import'>('choose');
  const done = (state: WalletState) => {
    set(state);
    setMode('choose');
    onDone?.(state);
  };
  if (loadError) return <ErrorNotice error={loadError} />;
  if (!wallet) {
    return (
      <p className="muted">
        <Spinner /> Loading the wallet…
      </p>
    );
  }
  const replaceExisting = wallet.state !== 'none';
  if (mode === 'create') return <CreateWallet replaceExisting={replaceExisting} onDone={done} onCancel={() => setMode('choose')} />;
  if (mode === 'import') return <ImportWallet replaceExisting={replaceExisting} onDone={done} onCancel={() => setMode('choose')} />;
  if (wallet.state === 'locked' || wallet.state === 'unlocking') {
    return <UnlockWallet wallet={wallet} fraction={unlockFraction} onDone={done} />;
  }
  if (wallet.state === 'unlocked') {
    return (
      <div data-testid="wallet-setup-ready">
        <p>
          Your wallet is ready: <code className={styles.walletAddress}>{wallet.address}</code>
        </p>
        {onDone ? (
          <button type="button" className="button-primary" onClick={() => onDone(wallet)}>
            Continue
          </button>
        ) : null}
      </div>
    );
  }
  return (
    <div data-testid="wallet-setup-choose">
      {wallet.problem ? <ErrorNotice error={wallet.problem} testId="wallet-problem" /> : null}
      <p>Earnings are paid on chain into a wallet that only you control. Make a new one, or bring one you already have.</p>
      <button type="button" className="button-primary" onClick={() => setMode('create')} data-testid="wallet-choose-create">
        Create a new wallet
      </button>{' '}
      <button type="button" onClick={() => setMode('import')} data-testid="wallet-choose-import">
        Import a wallet
      </button>
    </div>
  );
}
