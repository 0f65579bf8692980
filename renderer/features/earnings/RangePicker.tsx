import type { EarningsRange } from '../../../shared/domain/earnings';
import { RANGES } from './earnings-view';

export function RangePicker({ value, onChange }: { value: EarningsRange; onChange: (range: EarningsRange) => void }) {
  return (
    <div className="earnings-ranges" role="group" aria-label="Period">
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
