import type { CheckState } from '../../shared/domain/checks';

const LABELS: Record<CheckState, string> = {
  ok: 'OK',
  warn: 'Warning',
  fail: 'Problem',
  info: 'Info',
};

/** Traffic light with its word next to it, so the state never depends on colour alone. */
export function StatusLight({ state }: { state: CheckState }) {
  return (
    <span className={`status status-${state}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{LABELS[state]}</span>
    </span>
  );
}
