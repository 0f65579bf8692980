import { useState } from 'react';
import { parseDecimalAmount, type TransferPreview, type WalletState } from '../../../shared/domain/wallet';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useCall } from '../../lib/use-call';
import { formatEth, formatToken } from './wallet-view';

/** Send or withdraw to another address: form → fee preview → confirm. */
export function SendForm({ wallet }: { wallet: WalletState }) {
  const api = useApi();
  const token = wallet.balances?.token ?? null;
  const [asset, setAsset] = useState<'gas' | 'token'>(token ? 'token' : 'gas');
  const [to, setTo] = useState('');
  const [amountText, setAmountText] = useState('');
  const [preview, setPreview] = useState<TransferPreview | null>(null);
  const [sentHash, setSentHash] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const decimals = asset === 'token' ? (token?.decimals ?? 6) : 18;
  const amount = parseDecimalAmount(amountText, decimals);
  const amountProblem = amountText === '' ? null : amountMessage(amountText, amount, decimals, asset === 'token' ? (token?.symbol ?? 'tokens') : 'ETH');
  const review = useCall(() => api.previewTransfer({ asset, to, amount: (amount ?? 0n).toString() }));
  const send = useCall(() => api.sendTransfer({ previewId: preview!.previewId, password }));
  /** An answer about the old input must not stand next to the new one. */
  const changed = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    review.clearError();
    setSentHash(null);
  };

  if (preview) {
    const shown = preview.asset === 'token' ? formatToken(preview.amount, preview.decimals, preview.symbol) : formatEth(preview.amount);
    return (
      <Section id="wallet-send" title="Confirm the transfer">
        <dl className="facts" data-testid="wallet-preview">
          <dt>Send</dt>
          <dd data-testid="wallet-preview-amount">{shown}</dd>
          <dt>To</dt>
          <dd>
            <code data-testid="wallet-preview-to">{preview.to}</code>
          </dd>
          <dt>Network fee, at most</dt>
          <dd data-testid="wallet-preview-fee">
            {formatEth(preview.maxFeeWei)} <span className="muted small">({preview.gasLimit} gas × {formatEth(preview.maxFeePerGas)} per gas)</span>
          </dd>
        </dl>
        <p className="muted small">Transfers cannot be undone. Check the address character by character.</p>
        <label className="field">
          <span className="field-label">Wallet password (every transfer needs it)</span>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="wallet-send-password" />
        </label>
        {send.error ? <ErrorNotice error={send.error} testId="wallet-send-error" /> : null}
        <button
          type="button"
          className="button-primary"
          disabled={send.pending || password === ''}
          data-testid="wallet-send-confirm"
          onClick={() =>
            void send.run().then((r) => {
              if (!r.ok) return;
              setSentHash(r.value.hash);
              setPreview(null);
              setAmountText('');
              setPassword('');
            })
          }
        >
          Send now
        </button>{' '}
        <button type="button" className="button-link" onClick={() => (setPreview(null), setPassword(''))}>
          Cancel
        </button>
      </Section>
    );
  }

  return (
    <Section id="wallet-send" title="Send or withdraw" intro="To your own wallet or an exchange address. ENS names are not supported: paste the 0x address.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSentHash(null);
          void review.run().then((r) => r.ok && setPreview(r.value));
        }}
      >
        <label className="field">
          <span className="field-label">What</span>
          <select value={asset} onChange={(e) => changed(setAsset)(e.target.value as 'gas' | 'token')} data-testid="wallet-send-asset">
            {token ? <option value="token">{token.symbol}</option> : null}
            <option value="gas">Gas coin (ETH)</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">To address</span>
          <input type="text" spellCheck={false} autoComplete="off" placeholder="0x…" value={to} onChange={(e) => changed(setTo)(e.target.value)} data-testid="wallet-send-to" />
        </label>
        <label className="field">
          <span className="field-label">Amount</span>
          <input type="text" inputMode="decimal" value={amountText} onChange={(e) => changed(setAmountText)(e.target.value)} aria-invalid={amountProblem !== null} data-testid="wallet-send-amount" />
        </label>
        {amountProblem ? (
          <p className="field-error" role="alert" data-testid="wallet-send-amount-error">
            {amountProblem}
          </p>
        ) : null}
        {review.error ? <ErrorNotice error={review.error} testId="wallet-send-error" /> : null}
        {sentHash ? (
          <p className="notice notice-neutral" data-testid="wallet-send-sent">
            Sent: {sentHash}. Its status is in the list below.
          </p>
        ) : null}
        <button type="submit" className="button-primary" disabled={!to.trim() || !amount || amountProblem !== null || review.pending} data-testid="wallet-send-review">
          Review
        </button>
      </form>
    </Section>
  );
}

/** What is wrong with a typed amount, in a person's words; null when it is fine. */
export function amountMessage(text: string, amount: bigint | null, decimals: number, symbol: string): string | null {
  const t = text.trim();
  if (t.startsWith('-')) return 'The amount must be positive.';
  if (amount === 0n) return 'The amount must be more than zero.';
  if (amount !== null) return null;
  const fraction = /^\d*\.(\d+)$/.exec(t)?.[1];
  if (fraction && fraction.length > decimals) return `Use at most ${decimals} decimals: the smallest amount is ${decimals === 18 ? '0.000000000000000001' : `0.${'0'.repeat(decimals - 1)}1`} ${symbol}.`;
  return `"${t}" is not an amount: enter a number like 2.5.`;
}
