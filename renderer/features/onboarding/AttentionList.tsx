import type { AttentionItem } from '../../../shared/domain/attention';
import { cx } from '../../lib/cx';
import styles from './Onboarding.module.css';

/** "Needs your attention": problems first, then the steps the owner skipped. */
export function AttentionList({ items }: { items: AttentionItem[] }) {
  if (items.length === 0) {
    return (
      <p className="muted" data-testid="attention-empty">
        Nothing needs your attention.
      </p>
    );
  }
  const sorted = [...items].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'problem' ? -1 : 1));
  return (
    <ul className={styles.attentionList} data-testid="attention-list">
      {sorted.map((item) => (
        <li key={item.code} className={cx(styles.attentionItem, item.severity === 'problem' && styles.attentionProblem)} data-testid={`attention-${item.code}`}>
          <span className={styles.attentionMark} aria-hidden="true">
            {item.severity === 'problem' ? '!' : '•'}
          </span>
          <span className={styles.attentionText}>
            <strong>{item.title}</strong>
            <span className="muted small"> {item.detail}</span>
          </span>
          <a className="button button-small" href={item.action.hash}>
            {item.action.label}
          </a>
        </li>
      ))}
    </ul>
  );
}
