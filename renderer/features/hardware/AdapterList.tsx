import type { GraphicsAdapter } from '../../../shared/domain/gpu';
import { formatMiB } from '../../lib/format';
import styles from './Hardware.module.css';

/** Every display adapter the system reports, usable for jobs or not. */
export function AdapterList({ adapters }: { adapters: GraphicsAdapter[] }) {
  if (adapters.length === 0) return null;
  return (
    <div className={styles.adapters}>
      <h3>All display adapters</h3>
      <ul>
        {adapters.map((adapter, i) => (
          <li key={`${adapter.busAddress ?? ''}-${i}`}>
            <span>
              {adapter.vendor} {adapter.model}
            </span>
            <span className="muted">
              {adapter.vramMiB !== null ? ` · ${formatMiB(adapter.vramMiB)}` : ''}
              {adapter.busAddress ? ` · bus ${adapter.busAddress}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
