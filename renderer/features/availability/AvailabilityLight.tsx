import type { AvailabilityState } from '../../../shared/domain/availability';
import { STATE_LABELS } from './availability-view';

/** Coloured light with its word, so the state never depends on colour alone. */
export function AvailabilityLight({ state }: { state: AvailabilityState }) {
  return (
    <span className={`status availability-light availability-${state}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{STATE_LABELS[state]}</span>
    </span>
  );
}
