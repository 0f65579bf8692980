import type { V2ProviderRecordView } from '../../../shared/domain/market-v2-view';
import { cx } from '../../lib/cx';
import { providerRecordItems, scoreText } from '../market/v2-words';
import dash from './Dashboard.module.css';
import styles from './Reputation.module.css';

/**
 * The owner's own record on a market v2 (the contract's providerRecord as the agent folded
 * it from the chain): what requesters see of this PC before they post, and what breaks a tie
 * between equal asks. Shown only on a v2 market.
 */
export function ReputationCard({ record }: { record: V2ProviderRecordView }) {
  const items = providerRecordItems(record);
  return (
    <section className={cx(dash.tile, styles.card)} aria-labelledby="reputation-heading" data-testid="dashboard-reputation" data-score={record.score}>
      <h3 className={dash.label} id="reputation-heading">
        Your reputation on the market
      </h3>
      <dl className={styles.items}>
        {items.map((item) => (
          <div key={item.key} className={cx(styles.item, item.bad && styles.bad)} data-testid={`reputation-${item.key}`}>
            <dt>{item.label}</dt>
            <dd>{item.value}</dd>
          </div>
        ))}
      </dl>
      <span className={dash.note}>{scoreText(record)} Anyone can read this record on chain.</span>
    </section>
  );
}
