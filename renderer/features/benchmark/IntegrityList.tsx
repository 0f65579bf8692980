import type { IntegrityCheck } from '../../../shared/domain/benchmark';
import { formatBytes } from '../../lib/format';
import styles from './Benchmark.module.css';

const NAMES: Record<IntegrityCheck['name'], string> = {
  'vram-pattern': 'Video memory pattern test',
  'ram-pattern': 'System memory pattern test',
};

/** Memory integrity: a card that corrupts data must not take jobs, whatever its speed. */
export function IntegrityList({ checks }: { checks: IntegrityCheck[] }) {
  if (checks.length === 0) return <p className="muted">No memory integrity test ran.</p>;
  return (
    <ul className={styles.integrity} data-testid="benchmark-integrity">
      {checks.map((check) => (
        <li key={check.name} data-state={check.ok ? 'ok' : 'fail'}>
          <span className={`status status-${check.ok ? 'ok' : 'fail'}`}>
            <span className="status-dot" aria-hidden="true" />
            <span className="status-label">{check.ok ? 'Passed' : 'Failed'}</span>
          </span>{' '}
          {NAMES[check.name]}: {formatBytes(check.bytesChecked)} checked, {check.errors}{' '}
          {check.errors === 1 ? 'error' : 'errors'}
        </li>
      ))}
    </ul>
  );
}
