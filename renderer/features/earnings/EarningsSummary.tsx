import type { EarningsReport } from '../../../shared/domain/earnings';
import { formatGas, formatUsdMicros } from './earnings-view';
import styles from './Earnings.module.css';

const PERIOD: Record<EarningsReport['range'], string> = { day: 'last 24 hours', week: 'last 7 days', month: 'last 30 days', year: 'last 12 months' };

/** The range's totals in a row of figures, and the "at this rate" projection with its basis. */
export function EarningsSummary({ report }: { report: EarningsReport }) {
  const t = report.totals;
  const gasPriced = report.gasCoin.microsPerCoin !== null;
  return (
    <div data-testid="earnings-summary" data-net-micros={t.netMicros} data-jobs={t.jobs}>
      <dl className={styles.earningsFigures}>
        <Figure label={`Net, ${PERIOD[report.range]}`} value={formatUsdMicros(t.netMicros)} strong testId="earnings-net" />
        <Figure label="Gross paid" value={formatUsdMicros(t.grossMicros)} />
        <Figure label="Market fee" value={formatUsdMicros(t.feeMicros)} />
        <Figure label="Electricity" value={formatUsdMicros(t.electricityMicros)} />
        <Figure
          label={gasPriced ? 'Gas' : 'Gas (not in net)'}
          value={gasPriced ? `${formatUsdMicros(t.gasMicros)} · ${formatGas(t.gasWei, report.gasCoin.symbol)}` : formatGas(t.gasWei, report.gasCoin.symbol)}
        />
        <Figure
          label="Effective per GPU-hour"
          value={t.effectiveMicrosPerGpuHour === null ? '—' : `${formatUsdMicros(t.effectiveMicrosPerGpuHour)}/h`}
        />
      </dl>
      <p className={styles.earningsProjection} data-testid="earnings-projection">
        {report.projection.monthlyNetMicros === null ? (
          <span className="muted">{report.projection.basis}</span>
        ) : (
          <>
            At this rate ≈ <strong>{formatUsdMicros(report.projection.monthlyNetMicros)}/month</strong>{' '}
            <span className="muted small">({report.projection.basis})</span>
          </>
        )}
      </p>
      {report.pendingJobs > 0 ? (
        <p className="muted small" data-testid="earnings-pending">
          {report.pendingJobs} job{report.pendingJobs === 1 ? '' : 's'} waiting for payment (the requester accepts, or the challenge window passes).
        </p>
      ) : null}
    </div>
  );
}

function Figure({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <div className={styles.earningsFigure}>
      <dt>{label}</dt>
      <dd className={strong ? 'strong' : undefined} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
