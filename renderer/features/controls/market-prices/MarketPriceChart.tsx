import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartLegend } from '../../earnings/ChartLegend';
import type { PriceChart } from './market-prices-view';
import styles from './MarketPrices.module.css';

const tick = (v: number) => `$${v}`;
const tooltipValue = (value: unknown) => (Array.isArray(value) ? value.map((v) => `$${String(v)}`).join(' – ') : `$${String(value)}`);

/** Hourly medians of what jobs for this card paid, with each hour's range as a band, on a time axis. */
export function MarketPriceChart({ chart, caption }: { chart: PriceChart; caption: string }) {
  const { rows } = chart;
  return (
    <figure className="chart" data-testid="market-price-chart" data-points={chart.hoursWithAwards}>
      <figcaption>
        {caption}
        <ChartLegend
          items={[
            { key: 'rate', label: 'median per hour' },
            { key: 'available', label: 'lowest to highest' },
          ]}
        />
      </figcaption>
      <ResponsiveContainer width="100%" height={180}>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid vertical={false} className="chart-grid" />
          <XAxis dataKey="at" type="number" scale="time" domain={chart.domain} tickFormatter={chart.tick} className="chart-axis" minTickGap={24} />
          <YAxis className="chart-axis" tickFormatter={tick} width={56} />
          <Tooltip formatter={tooltipValue} labelFormatter={(at) => chart.tick(Number(at))} />
          <Area dataKey="range" name="Range (USD/h)" className={styles.rangeBand} isAnimationActive={false} />
          <Line dataKey="median" name="Median (USD/h)" className={styles.medianLine} dot={chart.hoursWithAwards < 24} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
