import { type FormEvent, useState } from 'react';
import type { EarningsReport } from '../../../shared/domain/earnings';
import { formatMicros, parseUsdToMicros } from '../../../shared/domain/price-floor';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useCall } from '../../lib/use-call';
import { cx } from '../../lib/cx';
import styles from './Earnings.module.css';

/**
 * Gas is paid in the chain's coin, not in dollars, and RigShift has no price feed. The owner
 * may enter a price; only then is gas converted and taken out of net.
 */
export function GasPriceForm({ report }: { report: EarningsReport }) {
  const api = useApi();
  const symbol = report.gasCoin.symbol;
  const current = report.gasCoin.microsPerCoin;
  const [text, setText] = useState(current === null ? '' : formatMicros(BigInt(current)));
  const [problem, setProblem] = useState<string | null>(null);
  const save = useCall((micros: string | null) => api.setGasCoinPrice({ microsPerCoin: micros }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') {
      setProblem(null);
      void save.run(null);
      return;
    }
    const parsed = parseUsdToMicros(text);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    void save.run(parsed.micros.toString());
  };

  return (
    <Section
      id="earnings-gas"
      title="Gas in net"
      intro={
        current === null
          ? `Net does not include gas now: gas is paid in ${symbol}, and RigShift does not know its price. Enter one to include gas in net.`
          : `Net includes gas at ${formatMicros(BigInt(current))} USD per ${symbol}. Clear the field to show gas in ${symbol} only.`
      }
    >
      <form className={styles.earningsGasForm} onSubmit={submit}>
        <label className="field">
          <span className="field-label">Price of 1 {symbol} in USD</span>
          <input value={text} onChange={(e) => setText(e.target.value)} inputMode="decimal" placeholder="e.g. 3000" data-testid="gas-price-input" />
        </label>
        <button type="submit" className="button-small" disabled={save.pending}>
          Save
        </button>
      </form>
      {problem ? <p className={cx('field-help', styles.earningsProblem)}>{problem}</p> : null}
      {save.error ? <ErrorNotice error={save.error} onDismiss={save.clearError} /> : null}
    </Section>
  );
}
