import type { EarningsRange } from '../../../shared/domain/earnings';
import { RANGES } from './earnings-view';
import styles from './Earnings.module.css';

export function RangePicker({ value, onChange }: { value: EarningsRange; onChange: (range: EarningsRange) => void }) {
  return (
    <div className={styles.earningsRanges} role="group" aria-label="Period">
      {RANGES.map((r) => (
        <button
          key={r.id}
          type="button"
          className="button-small"
          aria-pressed={value === r.id}
          onClick={() => onChange(r.id)}
          data-testid={`earnings-range-${r.id}`}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}
