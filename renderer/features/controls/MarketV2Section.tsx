import { useId, useState } from 'react';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { effectiveFloor } from '../../../shared/domain/price-floor';
import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { useMarketSettings } from '../market/use-market-settings';
import { pricedDevices } from './price-form';
import { isLoosening, parseRequesterRule, ruleMeaning } from './requester-rule-form';
import { type SecondPriceExample, secondPriceExample } from './second-price';
import { useUnsavedEdit } from './unsaved-edits';
import styles from './MarketV2.module.css';

/** "$0.0238/h": the app's one way of writing money (three significant digits below a dollar). */
const usdPerHour = (micros: bigint | undefined) => `${formatUsdMicros(micros)}/h`;

/**
 * Market v2 on the Controls page: why RigShift bids your floor (the auction pays every winner
 * the lowest losing ask, so your floor is your best bid), worked out on your own floor, and
 * the requester rule (refuse requesters that lost too many disputes).
 */
export function MarketV2Section() {
  const { settings, detection, benchmark } = useSnapshot();
  const device = pricedDevices(detection, benchmark.history)[0];
  const floor = effectiveFloor(settings.controls.price, device?.powerW ?? null).floorMicrosPerHour;
  return (
    <Section id="market-v2" title="Auctions and requesters" intro="On a market v2 network, jobs are auctioned: RigShift bids your floor.">
      <SecondPriceExplanation example={secondPriceExample(floor)} />
      <RequesterRuleForm />
    </Section>
  );
}

/** The rule and the worked example (presentational, so it renders the same in a test). */
export function SecondPriceExplanation({ example }: { example: SecondPriceExample }) {
  const { floorMicros: floor, truthful, above, below } = example;
  const [second, third] = truthful.asks.filter((a) => a.who === 'other').map((a) => a.micros);
  return (
    <div className={styles.explain} data-testid="second-price-explanation" data-floor-micros={floor.toString()}>
      <h3>Why your floor is your best bid</h3>
      <p>
        Every winner of an auction is paid the <strong>lowest losing ask</strong>, not its own ask. Your ask only decides <em>whether</em> you win, never
        how much you are paid, so the best ask is the least you are happy to take: your floor.
      </p>
      <p className="muted small">
        {example.ownFloor ? `With your floor of ${usdPerHour(floor)}` : `With a floor of ${usdPerHour(floor)} (set yours under Price floor)`}, and two other
        providers asking {usdPerHour(second)} and {usdPerHour(third)} for a one-provider job:
      </p>
      <ul className={styles.cases}>
        <li data-testid="second-price-truthful">
          <strong>You ask your floor, {usdPerHour(floor)}:</strong> you win and are paid {usdPerHour(truthful.paidMicros)}, the lowest losing ask:{' '}
          {usdPerHour(truthful.paidMicros - floor)} above your floor.
        </li>
        <li data-testid="second-price-above">
          <strong>You ask more, {usdPerHour(above.askMicros)}:</strong> {above.youWin ? 'you win' : `the ${usdPerHour(second)} provider wins`} and is paid{' '}
          {usdPerHour(above.paidMicros)}. You lose a job that would have paid you {usdPerHour(truthful.paidMicros)}.
        </li>
        <li data-testid="second-price-below">
          <strong>You ask less, {usdPerHour(below.askMicros)}:</strong> against the same asks you are paid {usdPerHour(below.sameMicros)}, as with your floor: asking
          less gains nothing. But if another provider asks {usdPerHour(below.othersMicros)}, you {below.youWin ? 'win' : 'lose'} and are paid{' '}
          {usdPerHour(below.paidMicros)}, below your floor: a job that costs you money.
        </li>
      </ul>
    </div>
  );
}

function RequesterRuleForm() {
  const { settings } = useSnapshot();
  const saved = settings.market.maxRequesterDisputesLost;
  const saver = useMarketSettings();
  const [text, setText] = useState<string | null>(null);
  const inputId = useId();
  const current = text ?? String(saved);
  const parsed = parseRequesterRule(current);
  const dirty = text !== null && (!parsed.ok || parsed.value !== saved);
  const errorId = `${inputId}-error`;

  const onSave = async (): Promise<boolean> => {
    if (!parsed.ok) return false;
    const label = isLoosening(saved, parsed.value) ? `Now taking requesters with up to ${parsed.value} lost disputes` : `Rule saved: at most ${parsed.value} lost disputes`;
    const result = await saver.save({ maxRequesterDisputesLost: parsed.value }, label);
    if (result.ok) setText(null);
    return result.ok;
  };
  const onDiscard = () => setText(null);
  useUnsavedEdit('requester-rule', dirty, { label: 'Requester rule', save: onSave, discard: onDiscard });

  return (
    <div className={styles.rule}>
      <h3>Requesters you refuse</h3>
      <div className="field">
        <label className="field-label" htmlFor={inputId}>
          Most disputes a requester may have lost
        </label>
        <div className="input-unit">
          <input
            id={inputId}
            type="text"
            inputMode="numeric"
            className="input-narrow"
            value={current}
            aria-invalid={!parsed.ok}
            aria-describedby={parsed.ok ? `${inputId}-help` : errorId}
            onChange={(e) => setText(e.target.value)}
            data-testid="requester-rule-input"
          />
          <span className="muted small">disputes</span>
        </div>
        <span className="field-help" id={`${inputId}-help`} data-testid="requester-rule-meaning">
          {parsed.ok ? ruleMeaning(parsed.value) : null} Every requester’s record is on chain; the Market page shows it on each job.
        </span>
        {!parsed.ok ? (
          <p className="field-error" id={errorId} role="alert" data-testid="requester-rule-error">
            {parsed.error}
          </p>
        ) : null}
      </div>
      <div className={styles.ruleBar}>
        <button type="button" className="button-primary" onClick={() => void onSave()} disabled={!dirty || !parsed.ok || saver.pending} aria-busy={saver.pending} data-testid="requester-rule-save">
          {saver.pending ? <Spinner /> : null}
          Save
        </button>
        {dirty ? (
          <button type="button" onClick={onDiscard} disabled={saver.pending} data-testid="requester-rule-discard">
            Discard changes
          </button>
        ) : null}
        <span role="status">
          {saver.undo ? (
            <span className="saved-notice" data-testid="requester-rule-saved">
              {saver.undo} ·{' '}
              <button type="button" className="button-link" onClick={() => void saver.revert()} data-testid="requester-rule-undo">
                Undo
              </button>
            </span>
          ) : null}
        </span>
      </div>
      {saver.error ? <ErrorNotice error={saver.error} onDismiss={saver.clearError} testId="requester-rule-save-error" /> : null}
    </div>
  );
}
