import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Comparison, Metric } from '../../../shared/domain/benchmark';
import { formatNumber, formatPercent } from '../../lib/format';

interface Props {
  comparisons: Comparison[];
  metrics: Metric[];
}

interface Row {
  name: string;
  measuredPct: number;
  referencePct: number;
  comparison: Comparison;
}

/**
 * Metrics have different units (TFLOPS, GB/s), so bars are drawn as a share of the card's
 * theoretical peak; the label says measured / expected, the figure owners care about.
 * Colours come from the stylesheet (classes), not from inline attributes.
 */
export function ComparisonChart({ comparisons, metrics }: Props) {
  if (comparisons.length === 0) return null;
  const rows: Row[] = comparisons.map((c) => ({
    name: metrics.find((m) => m.id === c.metricId)?.label ?? c.metricId,
    measuredPct: c.peak > 0 ? (c.measured / c.peak) * 100 : 0,
    referencePct: c.peak > 0 ? (c.reference / c.peak) * 100 : 0,
    comparison: c,
  }));
  const height = 48 + rows.length * 56;

  return (
    <figure className="chart" data-testid="comparison-chart">
      <figcaption>
        Measured vs. expected for this model, as a share of its theoretical peak
        <span className="legend">
          <span className="swatch swatch-measured" aria-hidden="true" /> measured
          <span className="swatch swatch-reference" aria-hidden="true" /> expected for a healthy card
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 96, bottom: 4, left: 8 }} barGap={2}>
          <CartesianGrid horizontal={false} className="chart-grid" />
          <XAxis type="number" domain={[0, 100]} unit="%" className="chart-axis" />
          <YAxis type="category" dataKey="name" width={170} className="chart-axis" />
          <Tooltip content={<ChartTooltip />} cursor={{ className: 'chart-cursor' }} />
          <Bar dataKey="referencePct" name="Expected" className="bar-reference" isAnimationActive={false} />
          <Bar dataKey="measuredPct" name="Measured" isAnimationActive={false}>
            {rows.map((row) => (
              <Cell key={row.comparison.metricId} className={`bar-measured bar-${row.comparison.verdict}`} />
            ))}
            <LabelList
              dataKey="comparison"
              position="right"
              className="chart-label"
              formatter={(value: unknown) => `${formatPercent((value as Comparison).fraction)} of expected`}
            />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function ChartTooltip({ active, payload }: { active?: boolean; payload?: { payload?: Row }[] }) {
  const row = active ? payload?.[0]?.payload : undefined;
  if (!row) return null;
  const c = row.comparison;
  return (
    <div className="chart-tooltip">
      <strong>{row.name}</strong>
      <div>
        Measured {formatNumber(c.measured)} {c.unit}
      </div>
      <div>
        Expected {formatNumber(c.reference)} {c.unit}
      </div>
      <div>
        Peak {formatNumber(c.peak)} {c.unit}
      </div>
      <div>{formatPercent(c.fraction)} of expected</div>
    </div>
  );
}
