import { useState } from 'react';
import type { WalletState } from '../../../shared/domain/wallet';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { useCall } from '../../lib/use-call';
import { newPasswordProblem, PasswordFields } from './PasswordFields';
import styles from './Wallet.module.css';

interface Created {
  creationId: string;
  words: string[];
  confirmIndexes: number[];
}

/**
 * New wallet in three steps: the 12 words (shown once, to write on paper), three of them
 * typed back, and a password. Nothing is saved before the last step succeeds.
 */
export function CreateWallet({ replaceExisting, onDone, onCancel }: { replaceExisting: boolean; onDone(state: WalletState): void; onCancel(): void }) {
  const api = useApi();
  const [created, setCreated] = useState<Created | null>(null);
  const [wroteDown, setWroteDown] = useState(false);
  const [step, setStep] = useState<'words' | 'confirm'>('words');
  const [typed, setTyped] = useState<Record<number, string>>({});
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const create = useCall(() => api.createWallet({ replaceExisting }));
  const confirm = useCall(() =>
    api.confirmWalletWords({
      creationId: created!.creationId,
      checks: created!.confirmIndexes.map((index) => ({ index, word: typed[index] ?? '' })),
      password,
    }),
  );

  if (!created) {
    return (
      <div data-testid="wallet-create-start">
        <p>RigShift makes a new wallet with 12 recovery words. Whoever has the words has the money: write them on paper and keep them offline.</p>
        {create.error ? <ErrorNotice error={create.error} /> : null}
        <button
          type="button"
          className="button-primary"
          disabled={create.pending}
          data-testid="wallet-create-generate"
          onClick={() => void create.run().then((r) => r.ok && setCreated(r.value))}
        >
          Show my recovery words
        </button>{' '}
        <button type="button" className="button-link" onClick={onCancel}>
          Back
        </button>
      </div>
    );
  }

  if (step === 'words') {
    return (
      <div data-testid="wallet-create-words">
        <div className="notice notice-error" role="note">
          <p className="notice-message">These words are shown only now. Write them down in order, on paper.</p>
          <p className="notice-hint">Do not copy them into a file, a screenshot, an e-mail or a chat: anyone who sees them can take the funds.</p>
        </div>
        <ol className={styles.walletWords} data-testid="wallet-words">
          {created.words.map((word, index) => (
            <li key={index} data-testid={`wallet-word-${index}`}>
              {word}
            </li>
          ))}
        </ol>
        <label className="field field-check">
          <input type="checkbox" checked={wroteDown} onChange={(e) => setWroteDown(e.target.checked)} data-testid="wallet-words-written" />
          <span className="field-label">I wrote the 12 words down, in order</span>
        </label>
        <button type="button" className="button-primary" disabled={!wroteDown} onClick={() => setStep('confirm')} data-testid="wallet-words-next">
          Next
        </button>
      </div>
    );
  }

  const problem = newPasswordProblem(password, repeat);
  const complete = created.confirmIndexes.every((index) => (typed[index] ?? '').trim() !== '');
  return (
    <form
      data-testid="wallet-create-confirm"
      onSubmit={(e) => {
        e.preventDefault();
        void confirm.run().then((r) => r.ok && onDone(r.value));
      }}
    >
      <p>Type these words from your paper copy, to check it:</p>
      {created.confirmIndexes.map((index) => (
        <label className="field" key={index}>
          <span className="field-label">Word #{index + 1}</span>
          <input
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={typed[index] ?? ''}
            onChange={(e) => setTyped({ ...typed, [index]: e.target.value })}
            data-testid={`wallet-confirm-word-${index}`}
          />
        </label>
      ))}
      <PasswordFields password={password} repeat={repeat} onPassword={setPassword} onRepeat={setRepeat} testId="wallet-create" />
      {confirm.error ? <ErrorNotice error={confirm.error} testId="wallet-create-error" /> : null}
      <button type="submit" className="button-primary" disabled={!complete || problem !== null || confirm.pending} data-testid="wallet-create-save">
        {confirm.pending ? <Spinner /> : null} Save the wallet
      </button>{' '}
      <button type="button" className="button-link" onClick={() => setStep('words')}>
        Show the words again
      </button>
    </form>
  );
}
