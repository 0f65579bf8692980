import { useState } from 'react';
import type { WalletState } from '../../../shared/domain/wallet';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { useCall } from '../../lib/use-call';
import { newPasswordProblem, PasswordFields } from './PasswordFields';
import styles from './Wallet.module.css';

/** Import a recovery phrase (with the account number) or a private key, then encrypt it with a password. */
export function ImportWallet({ replaceExisting, onDone, onCancel }: { replaceExisting: boolean; onDone(state: WalletState): void; onCancel(): void }) {
  const api = useApi();
  const [kind, setKind] = useState<'mnemonic' | 'privateKey'>('mnemonic');
  const [secret, setSecret] = useState('');
  const [index, setIndex] = useState('0');
  const [passphrase, setPassphrase] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const run = useCall(() =>
    api.importWallet({
      source:
        kind === 'mnemonic'
          ? { kind, phrase: secret, index: Number(index), ...(passphrase ? { passphrase } : {}) }
          : { kind, privateKey: secret },
      password,
      replaceExisting,
    }),
  );
  const indexOk = /^[0-9]{1,9}$/.test(index);
  const problem = newPasswordProblem(password, repeat);
  return (
    <form
      data-testid="wallet-import"
      onSubmit={(e) => {
        e.preventDefault();
        void run.run().then((r) => {
          if (r.ok) {
            setSecret('');
            onDone(r.value);
          }
        });
      }}
    >
      <div className="tabs" role="tablist">
        <button type="button" role="tab" className="tab" aria-selected={kind === 'mnemonic'} onClick={() => setKind('mnemonic')} data-testid="wallet-import-mnemonic">
          Recovery phrase
        </button>
        <button type="button" role="tab" className="tab" aria-selected={kind === 'privateKey'} onClick={() => setKind('privateKey')} data-testid="wallet-import-key">
          Private key
        </button>
      </div>
      <label className="field">
        <span className="field-label">{kind === 'mnemonic' ? 'Recovery phrase (12 to 24 words)' : 'Private key (64 hex characters)'}</span>
        <textarea className={styles.walletFormText} rows={kind === 'mnemonic' ? 3 : 2} autoComplete="off" spellCheck={false} value={secret} onChange={(e) => setSecret(e.target.value)} data-testid="wallet-import-secret" />
      </label>
      {kind === 'mnemonic' ? (
        <>
          <label className="field">
            <span className="field-label">Account number</span>
            <input className="input-narrow" type="text" inputMode="numeric" value={index} onChange={(e) => setIndex(e.target.value)} aria-invalid={!indexOk} />
            <span className="field-help">0 is the first account of the phrase (path m/44'/60'/0'/0/0).</span>
          </label>
          <label className="field">
            <span className="field-label">BIP-39 passphrase (only if you set one)</span>
            <input type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
        </>
      ) : null}
      <PasswordFields password={password} repeat={repeat} onPassword={setPassword} onRepeat={setRepeat} testId="wallet-import" />
      {run.error ? <ErrorNotice error={run.error} testId="wallet-import-error" /> : null}
      <button type="submit" className="button-primary" disabled={!secret.trim() || !indexOk || problem !== null || run.pending} data-testid="wallet-import-save">
        {run.pending ? <Spinner /> : null} Import
      </button>{' '}
      <button type="button" className="button-link" onClick={onCancel}>
        Back
      </button>
    </form>
  );
}
