import { Area, AreaChart, ResponsiveContainer, YAxis } from 'recharts';
import type { EarningsReport } from '../../../shared/domain/earnings';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { sparkPoints } from './dashboard-view';
import styles from './Dashboard.module.css';

/**
 * The last 24 h of net earnings as a running total, one point per hour, from the ledger's
 * day report (live: every `ledgerUpdated` event refetches it). A picture for the eye; the
 * figure beside it says the same in words for screen readers.
 */
export function EarningsSparkline({ report }: { report: EarningsReport }) {
  const points = sparkPoints(report);
  const total = points.at(-1)?.netMicros ?? '0';
  const jobs = report.buckets.reduce((n, b) => n + b.jobs, 0);
  return (
    <div className={styles.tile} data-testid="earnings-sparkline" data-points={points.length} data-net-micros={total}>
      <span className={styles.label}>Last 24 hours</span>
      <strong className={styles.figure}>{formatUsdMicros(total)}</strong>
      <span className={styles.note}>{jobs === 0 ? 'No paid job in the last 24 h.' : `net from ${jobs} job${jobs === 1 ? '' : 's'}, hour by hour`}</span>
      <div className={styles.spark} role="img" aria-label={`Net earned over the last 24 hours, hour by hour: ${formatUsdMicros(total)} in all`}>
        <ResponsiveContainer width="100%" height={48}>
          <AreaChart data={points} margin={{ top: 4, right: 0, bottom: 0, left: 0 }}>
            <YAxis hide domain={[0, 'dataMax']} />
            <Area type="monotone" dataKey="cumulative" className={styles.sparkArea} isAnimationActive={false} dot={false} activeDot={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
