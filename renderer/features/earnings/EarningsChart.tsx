import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EarningsReport } from '../../../shared/domain/earnings';
import { ChartLegend } from './ChartLegend';
import { axisWidth, chartRows, type EarningsChartRow, formatGas, formatUsdMicros, projectionPerBucket } from './earnings-view';
import { cx } from '../../lib/cx';
import styles from './Earnings.module.css';

export const NO_EARNINGS_TEXT =
  'No earnings yet: jobs you run appear here once the requester accepts or the challenge window passes.';

/**
 * Gross per bucket, stacked as what it became: net, electricity, gas (when a gas-coin price
 * is set), the market fee and any stake lost; the dashed line is "at this rate" per bucket.
 */
export function EarningsChart({ report }: { report: EarningsReport }) {
  const rows = chartRows(report);
  const paid = report.totals.jobs > 0;
  if (!paid) {
    return (
      <p className={cx(styles.earningsEmpty, 'muted')} data-testid="earnings-empty">
        {report.walletAddress === null ? 'No wallet yet: create one on the Wallet page; its earnings appear here.' : NO_EARNINGS_TEXT}
      </p>
    );
  }
  const projection = projectionPerBucket(report);
  const gasPriced = report.gasCoin.microsPerCoin !== null;
  const usdTick = (v: number) => `$${v}`;
  // Every bar's stack and each part: the axis reaches the largest of them.
  const yWidth = axisWidth(rows.flatMap((r) => [r.gross, r.net, r.electricity, r.gas, r.fee, r.stakeLost]), usdTick);
  return (
    <figure className="chart" data-testid="earnings-chart" data-buckets={rows.length}>
      <figcaption>
        Gross paid per {report.bucket}, split into net and costs (USD){gasPriced ? '' : '; gas is shown in the table, not in this chart'}
        <ChartLegend
          items={[
            { key: 'net', label: 'net' },
            { key: 'electricity', label: 'electricity' },
            ...(gasPriced ? [{ key: 'gas', label: 'gas' }] : []),
            { key: 'fee', label: 'market fee' },
            { key: 'stake', label: 'stake lost' },
            ...(projection !== null ? [{ key: 'projection', label: 'at this rate' }] : []),
          ]}
        />
      </figcaption>
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} stackOffset="sign">
          <CartesianGrid vertical={false} className="chart-grid" />
          <XAxis dataKey="label" className="chart-axis" minTickGap={12} />
          <YAxis className="chart-axis" tickFormatter={usdTick} width={yWidth} />
          <Tooltip content={<EarningsTooltip symbol={report.gasCoin.symbol} />} cursor={{ className: 'chart-cursor' }} />
          <Bar dataKey="net" name="Net" stackId="gross" className={styles.barNet} isAnimationActive={false} />
          <Bar dataKey="electricity" name="Electricity" stackId="gross" className={styles.barElectricity} isAnimationActive={false} />
          {gasPriced ? <Bar dataKey="gas" name="Gas" stackId="gross" className={styles.barGas} isAnimationActive={false} /> : null}
          <Bar dataKey="fee" name="Market fee" stackId="gross" className={styles.barFee} isAnimationActive={false} />
          <Bar dataKey="stakeLost" name="Stake lost" stackId="gross" className={styles.barStake} isAnimationActive={false} />
          {projection !== null ? (
            <ReferenceLine y={projection} className={styles.earningsProjectionLine} strokeDasharray="6 4" label={{ value: 'at this rate', position: 'insideTopRight', className: 'chart-label' }} />
          ) : null}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function EarningsTooltip({ active, payload, symbol }: { active?: boolean; payload?: { payload?: EarningsChartRow }[]; symbol: string }) {
  const row = active ? payload?.[0]?.payload : undefined;
  if (!row) return null;
  const b = row.bucket;
  return (
    <div className="chart-tooltip">
      <strong>{row.label}</strong>
      <div>Gross {formatUsdMicros(b.grossMicros)}</div>
      <div>Fee {formatUsdMicros(b.feeMicros)}</div>
      <div>Electricity {formatUsdMicros(b.electricityMicros)}</div>
      <div>
        Gas {formatGas(b.gasWei, symbol)}
        {b.gasMicros !== null ? ` (${formatUsdMicros(b.gasMicros)})` : ''}
      </div>
      {b.stakeLostMicros !== '0' ? <div>Stake lost {formatUsdMicros(b.stakeLostMicros)}</div> : null}
      <div className="strong">Net {formatUsdMicros(b.netMicros)}</div>
      <div>
        {b.jobs} job{b.jobs === 1 ? '' : 's'}
      </div>
    </div>
  );
}
