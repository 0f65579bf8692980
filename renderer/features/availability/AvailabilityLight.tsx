import type { AvailabilityState } from '../../../shared/domain/availability';
import { STATE_LABELS } from './availability-view';

/** The checklist's traffic-light colours, plus one of its own for renting. */
const TONE: Record<AvailabilityState, string> = {
  available: 'status-ok',
  renting: 'status-renting',
  paused: 'status-warn',
  yielding: 'status-fail',
};

/** Coloured light with its word, so the state never depends on colour alone. */
export function AvailabilityLight({ state }: { state: AvailabilityState }) {
  return (
    <span className={`status ${TONE[state]}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{STATE_LABELS[state]}</span>
    </span>
  );
}
