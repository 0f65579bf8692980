import { useState } from 'react';
import type { ActiveBenchmark } from '../../../shared/domain/benchmark';
import { Spinner } from '../../components/Spinner';
import { formatDuration, formatPercent } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import styles from './Benchmark.module.css';

interface Props {
  active: ActiveBenchmark;
  cancelling: boolean;
  onCancel: () => void;
}

export function BenchmarkProgress({ active, cancelling, onCancel }: Props) {
  // Elapsed time counts from the agent's figure plus local time since that event arrived,
  // so a browser on another machine with a skewed clock still shows the right duration.
  const now = useNow();
  const [anchor, setAnchor] = useState(() => ({ active, at: now }));
  if (anchor.active !== active) setAnchor({ active, at: now });
  const elapsed = active.elapsedMs + Math.max(0, now - anchor.at);
  const percent = Math.round(active.fraction * 100);

  return (
    <div className={styles.progressBlock}>
      <div className={styles.progressHead}>
        <span className={styles.progressPhase} data-testid="benchmark-phase" data-phase={active.phase}>
          <Spinner /> {active.label}
        </span>
        <span className={styles.progressTime} aria-label="Elapsed time">
          {formatDuration(elapsed)}
        </span>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label="Benchmark progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${active.label}, ${formatPercent(active.fraction)}`}
        data-testid="benchmark-progress"
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className={styles.progressFoot}>
        <span className="muted">
          {formatPercent(active.fraction)} · {active.kind === 'gpu' ? 'GPU' : 'CPU'} benchmark
        </span>
        <button type="button" onClick={onCancel} disabled={cancelling} data-testid="benchmark-cancel">
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}
