import { useState } from 'react';
import type { ApiError } from '../../../../shared/api/result';
import type { MarketPrices } from '../../../../shared/domain/market-prices';
import { MarketPriceChart } from './MarketPriceChart';
import { classesText, noDataText, type PriceWindow, unclassifiedText, priceChart, windowFigures, WINDOWS } from './market-prices-view';
import styles from './MarketPrices.module.css';

/** What jobs for this card paid on the market: median and range over 24 h or 7 d, and a chart. */
export function MarketPricesPanel({ prices, error, initialWindow = 'week' }: { prices: MarketPrices | null; error: ApiError | null; initialWindow?: PriceWindow }) {
  const [window, setWindow] = useState<PriceWindow>(initialWindow);
  const none = noDataText(prices, error);
  if (none !== null || !prices) {
    // Loading has its own test id: a reader waiting for the "no data" reason must not take
    // the loading line for it.
    const loading = !prices && !error;
    return (
      <div className={styles.panel} data-testid="market-prices" aria-busy={loading}>
        <h3 className={styles.heading}>What jobs for this card paid</h3>
        <p className="muted small" data-testid={loading ? 'market-prices-loading' : 'market-prices-none'}>
          {none}
        </p>
      </div>
    );
  }
  const chosen = WINDOWS.find((w) => w.id === window) ?? WINDOWS[1]!;
  const figures = windowFigures(prices[window]);
  const unclassified = unclassifiedText(prices);
  return (
    <div className={styles.panel} data-testid="market-prices">
      <h3 className={styles.heading}>What jobs for this card paid</h3>
      <div className={styles.windows} role="group" aria-label="Period">
        {WINDOWS.map((w) => (
          <button key={w.id} type="button" className="button-small" aria-pressed={window === w.id} onClick={() => setWindow(w.id)} data-testid={`market-prices-${w.id}`}>
            {w.label}
          </button>
        ))}
      </div>
      {figures ? (
        <p className={styles.figures} data-testid="market-prices-figures">
          Median <strong>{figures.median}</strong>, range {figures.range} ({figures.awards} in {chosen.long}).
        </p>
      ) : (
        <p className="muted small" data-testid="market-prices-figures">
          No award in {chosen.long}.
        </p>
      )}
      {figures ? <MarketPriceChart chart={priceChart(prices, window)} caption={`Each hour's median and range over ${chosen.long}, in USD per hour.`} /> : null}
      <p className="muted small" data-testid="market-prices-classes">
        Jobs this card can run, by the memory they ask for: {classesText(prices.classes)}.
      </p>
      {unclassified ? <p className="muted small">{unclassified}</p> : null}
    </div>
  );
}
