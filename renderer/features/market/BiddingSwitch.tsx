import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useMarketSettings } from './use-market-settings';
import styles from './Market.module.css';

/**
 * The owner's bidding switch (settings.market.bidding). Switching off stops new claims;
 * jobs already claimed still run and get paid. Each change can be undone for 10 s.
 */
export function BiddingSwitch() {
  const { settings } = useSnapshot();
  const saver = useMarketSettings();
  const on = settings.market.bidding;
  return (
    <div className={styles.biddingSwitch}>
      <label className="field field-check">
        <input
          type="checkbox"
          role="switch"
          checked={on}
          disabled={saver.pending}
          onChange={(e) => void saver.save({ bidding: e.target.checked }, e.target.checked ? 'Bidding on' : 'Bidding off')}
          data-testid="market-bidding-switch"
        />
        <span>
          <span className="strong">Claim jobs that fit</span>
          <span className="field-help">
            Off: no new jobs are claimed. Jobs already claimed still run and get paid.
          </span>
        </span>
      </label>
      {saver.undo ? (
        <p className="muted small" role="status" data-testid="market-bidding-saved">
          {saver.undo} ·{' '}
          <button type="button" className="button-link" onClick={() => void saver.revert()} data-testid="market-bidding-undo">
            Undo
          </button>
        </p>
      ) : null}
      {saver.error ? <ErrorNotice error={saver.error} onDismiss={saver.clearError} testId="market-bidding-error" /> : null}
    </div>
  );
}
