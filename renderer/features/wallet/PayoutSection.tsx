import { useState } from 'react';
import { formatAmount, parseDecimalAmount, type WalletState } from '../../../shared/domain/wallet';
import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useUpdateSettings } from '../settings/use-update-settings';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * An external payout address and the balance above which earnings are swept to it. Saving
 * a change needs the wallet password (the agent checks it): whoever holds the dashboard
 * link alone must not be able to redirect earnings.
 */
export function PayoutSection({ wallet }: { wallet: WalletState }) {
  const { settings } = useSnapshot();
  const update = useUpdateSettings();
  const decimals = wallet.balances?.token?.decimals ?? 6;
  const symbol = wallet.balances?.token?.symbol ?? 'stablecoin';
  const [address, setAddress] = useState<string | null>(null);
  const [threshold, setThreshold] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const addressValue = address ?? settings.wallet.payoutAddress ?? '';
  const thresholdValue = threshold ?? formatAmount(settings.wallet.sweepThresholdMicros, decimals);
  const micros = parseDecimalAmount(thresholdValue, decimals);
  const addressOk = addressValue === '' || ADDRESS.test(addressValue.trim());
  return (
    <Section
      id="wallet-payout"
      title="Payout address"
      intro="A hot wallet on a gaming PC should not pile up earnings. When the balance goes above the threshold, RigShift sends all of it to your own wallet."
    >
      <label className="field">
        <span className="field-label">Your payout address (empty: keep earnings here)</span>
        <input type="text" spellCheck={false} placeholder="0x…" value={addressValue} onChange={(e) => setAddress(e.target.value)} aria-invalid={!addressOk} data-testid="wallet-payout-address" />
      </label>
      <label className="field">
        <span className="field-label">Sweep when the balance is above</span>
        <span className="field-row">
          <input className="input-narrow" type="text" inputMode="decimal" value={thresholdValue} onChange={(e) => setThreshold(e.target.value)} aria-invalid={micros === null} />
          <span className="muted"> {symbol}</span>
        </span>
      </label>
      <label className="field">
        <span className="field-label">Wallet password (needed to change where earnings go)</span>
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="wallet-payout-password" />
      </label>
      {!addressOk ? <p className="field-error">An address is 0x followed by 40 hex digits.</p> : null}
      {update.error ? <ErrorNotice error={update.error} /> : null}
      <button
        type="button"
        className="button-primary"
        disabled={!addressOk || micros === null || update.pending || (address === null && threshold === null) || password === ''}
        data-testid="wallet-payout-save"
        onClick={() =>
          void update
            .run({ wallet: { payoutAddress: addressValue.trim() === '' ? null : addressValue.trim(), sweepThresholdMicros: (micros ?? 0n).toString() } }, password)
            .then((r) => {
              if (!r.ok) return;
              setAddress(null);
              setThreshold(null);
              setPassword('');
            })
        }
      >
        Save
      </button>
    </Section>
  );
}
