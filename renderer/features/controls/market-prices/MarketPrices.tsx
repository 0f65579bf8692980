import type { SuggestedPrice } from '../../../../shared/domain/benchmark';
import type { PriceSettings } from '../../../../shared/domain/controls';
import { suggestMarketPrice } from '../../../../shared/domain/market-price-suggestion';
import { formatMicros } from '../../../../shared/domain/price-floor';
import type { GpuPower } from '../price-form';
import { MarketPricesPanel } from './MarketPricesPanel';
import { useMarketPrices } from './use-market-prices';
import styles from './MarketPrices.module.css';

export interface MarketPricesProps {
  /** The price settings as shown (edited or saved): the break-even guard uses them. */
  price: PriceSettings;
  devices: GpuPower[];
  /** The latest benchmark's reference-table figure. */
  reference: SuggestedPrice | null;
  /** Puts the suggestion into the floor field (text, e.g. "0.12"). */
  onUse(floor: string): void;
}

/**
 * The price section's suggestion and market figures (issue 12, item 3): the suggested floor
 * (market median, else the reference table, never below the break-even; market-price-
 * suggestion.ts) with where it came from, and what jobs for this card paid.
 */
export function MarketPrices({ price, devices, reference, onUse }: MarketPricesProps) {
  const { prices, error } = useMarketPrices();
  const suggestion = suggestMarketPrice({ market: prices, reference, price, devices });
  const text = suggestion ? formatMicros(suggestion.micros) : null;
  return (
    <>
      {suggestion && text !== null ? (
        <p className={styles.suggestion} data-source={suggestion.source}>
          <button type="button" className="button-small" onClick={() => onUse(text)} title={reference?.basis} data-testid="use-suggested-price">
            Use suggested ${text}/h
          </button>{' '}
          <span className="muted small" data-testid="suggested-price-basis">
            {suggestion.text}
          </span>
        </p>
      ) : null}
      <MarketPricesPanel prices={prices} error={error} />
    </>
  );
}
