import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EarningsReport } from '../../../shared/domain/earnings';
import { ChartLegend } from './ChartLegend';
import { axisWidth, chartRows } from './earnings-view';
import styles from './Earnings.module.css';

/** GPU-hours offered vs rented per bucket, and the effective net per billed GPU-hour (right axis). */
export function HoursChart({ report }: { report: EarningsReport }) {
  const rows = chartRows(report);
  const t = report.totals;
  if (t.hoursAvailable === 0 && t.hoursRented === 0) {
    return (
      <p className="muted" data-testid="hours-empty">
        No hours recorded in this period yet: time counts while RigShift runs and a GPU is available or rented.
      </p>
    );
  }
  const rateTick = (v: number) => `$${v}/h`;
  const hourTick = (v: number) => `${v} h`;
  const rateWidth = axisWidth(rows.map((r) => r.effectivePerHour ?? 0), rateTick);
  const hoursWidth = axisWidth(rows.flatMap((r) => [r.hoursAvailable, r.hoursRented]), hourTick);
  return (
    <figure className="chart" data-testid="hours-chart">
      <figcaption>
        {t.hoursRented} of {t.hoursAvailable} GPU-hours offered were rented
        {t.hoursAvailable > 0 ? ` (${Math.round((t.hoursRented / t.hoursAvailable) * 100)} %)` : ''}.
        <ChartLegend
          items={[
            { key: 'available', label: 'available (h)' },
            { key: 'rented', label: 'rented (h)' },
            { key: 'rate', label: 'net per GPU-hour (right axis)' },
          ]}
        />
      </figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid vertical={false} className="chart-grid" />
          <XAxis dataKey="label" className="chart-axis" minTickGap={12} />
          <YAxis yAxisId="hours" className="chart-axis" tickFormatter={hourTick} width={hoursWidth} />
          <YAxis yAxisId="rate" orientation="right" className="chart-axis" tickFormatter={rateTick} width={rateWidth} />
          <Tooltip />
          <Bar yAxisId="hours" dataKey="hoursAvailable" name="Available (h)" className={styles.barAvailable} isAnimationActive={false} />
          <Bar yAxisId="hours" dataKey="hoursRented" name="Rented (h)" className={styles.barRented} isAnimationActive={false} />
          <Line yAxisId="rate" dataKey="effectivePerHour" name="Net per GPU-hour ($)" className={styles.lineRate} connectNulls dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
