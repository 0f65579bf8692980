import { formatDateTime } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { relativeTime, toMs } from './market-format';

/**
 * "in 12 min" / "3 min ago", ticking with the shared 1 s clock. Only this span re-renders
 * on a tick, never the table around it. The exact time is in the tooltip.
 */
export function RelativeTime({ at, testId }: { at: string | null; testId?: string }) {
  const now = useNow();
  const ms = toMs(at);
  if (ms === null || at === null) return <span className="muted">—</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(at)} data-testid={testId} className="nowrap">
      {relativeTime(ms, now)}
    </time>
  );
}
