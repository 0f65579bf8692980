import { useState } from 'react';
import type { RevealedSecret, WalletState } from '../../../shared/domain/wallet';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Toggle } from '../controls/Toggle';
import { useCall } from '../../lib/use-call';
import styles from './Wallet.module.css';

/** Remember-on-device, reveal the recovery words, export the keystore: each behind the password. */
export function SecuritySection({ wallet, onChange }: { wallet: WalletState; onChange(state: WalletState): void }) {
  const api = useApi();
  const [password, setPassword] = useState('');
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const reveal = useCall(() => api.revealSecret({ password }));
  const exportKeystore = useCall(() => api.exportKeystore({ password }));
  const remember = useCall((enabled: boolean) => api.setRememberOnDevice({ enabled, ...(enabled ? { password } : {}) }));
  return (
    <Section id="wallet-security" title="Backup and security" intro="Type the wallet password to reveal the recovery words, download the encrypted keystore, or remember the password on this device.">
      <label className="field">
        <span className="field-label">Wallet password</span>
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="wallet-security-password" />
      </label>
      <Toggle
        checked={wallet.remember.enabled}
        disabled={!wallet.remember.available || remember.pending || (!wallet.remember.enabled && !password)}
        onChange={(enabled) => void remember.run(enabled).then((r) => r.ok && onChange(r.value))}
        label="Remember on this device"
        help={wallet.remember.available ? 'The OS keychain keeps the password; the wallet unlocks when RigShift starts.' : wallet.remember.reason}
        testId="wallet-remember"
      />
      {remember.error ? <ErrorNotice error={remember.error} /> : null}
      <p>
        <button
          type="button"
          disabled={!password || reveal.pending}
          data-testid="wallet-reveal"
          onClick={() => void reveal.run().then((r) => r.ok && setRevealed(r.value))}
        >
          Reveal recovery words
        </button>{' '}
        <button
          type="button"
          disabled={!password || exportKeystore.pending}
          data-testid="wallet-export"
          onClick={() =>
            void exportKeystore.run().then((r) => {
              if (!r.ok) return;
              const url = URL.createObjectURL(new Blob([r.value.json], { type: 'application/json' }));
              const link = document.createElement('a');
              link.href = url;
              link.download = r.value.fileName;
              link.click();
              URL.revokeObjectURL(url);
            })
          }
        >
          Export keystore file
        </button>
      </p>
      {reveal.error ? <ErrorNotice error={reveal.error} testId="wallet-reveal-error" /> : null}
      {exportKeystore.error ? <ErrorNotice error={exportKeystore.error} /> : null}
      {revealed ? (
        <div className="notice notice-error" data-testid="wallet-revealed">
          <p className="notice-message">Anyone who sees this can take the funds. Hide it when done.</p>
          {revealed.kind === 'mnemonic' ? (
            <ol className={styles.walletWords}>
              {revealed.words.map((word, index) => (
                <li key={index}>{word}</li>
              ))}
            </ol>
          ) : (
            <code className={styles.walletAddress}>{revealed.privateKey}</code>
          )}
          <button type="button" className="button-link" onClick={() => setRevealed(null)}>
            Hide
          </button>
        </div>
      ) : null}
    </Section>
  );
}
