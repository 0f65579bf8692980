import { cx } from '../../lib/cx';
import { formatPercent } from '../../lib/format';

/** A job's progress (pulling, uploading) as a named progress bar; `fraction` is 0..1. */
export function JobProgressBar({ label, fraction, className }: { label: string; fraction: number; className?: string | undefined }) {
  const percent = Math.round(fraction * 100);
  return (
    <span
      className={cx('progress', className)}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={formatPercent(fraction)}
    >
      <span className="progress-fill" style={{ width: `${percent}%` }} />
    </span>
  );
}
