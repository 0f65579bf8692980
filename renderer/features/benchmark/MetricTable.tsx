import type { Comparison, Metric } from '../../../shared/domain/benchmark';
import { formatNumber, formatPercent } from '../../lib/format';
import styles from './Benchmark.module.css';

const VERDICTS: Record<Comparison['verdict'], string> = { ok: 'as expected', low: 'low', failing: 'far too low' };
const VERDICT_CLASSES: Record<Comparison['verdict'], string | undefined> = { ok: styles.verdictOk, low: styles.verdictLow, failing: styles.verdictFailing };

const cell = (value: number | undefined) => (value === undefined ? '—' : formatNumber(value));

export function MetricTable({ metrics, comparisons }: { metrics: Metric[]; comparisons: Comparison[] }) {
  if (metrics.length === 0) return <p className="muted">No measurements were recorded.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Measurements</caption>
        <thead>
          <tr>
            <th scope="col">Measurement</th>
            <th scope="col" className="num">Result</th>
            <th scope="col" className="num" title="Median of the first windows, card still cool">
              Burst
            </th>
            <th scope="col" className="num" title="Median of the last windows, close to thermal steady state">
              Sustained
            </th>
            <th scope="col">Unit</th>
            <th scope="col">Compared with a healthy card</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((metric) => (
            <tr key={metric.id} data-testid={`metric-${metric.id}`}>
              <th scope="row">{metric.label}</th>
              <td className="num strong" data-field="value">
                {formatNumber(metric.value)}
              </td>
              <td className="num" data-field="burst">
                {cell(metric.burst)}
              </td>
              <td className="num" data-field="sustained">
                {cell(metric.sustained)}
              </td>
              <td>{metric.unit}</td>
              <td data-field="comparison">{comparisonText(comparisons.find((c) => c.metricId === metric.id))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function comparisonText(comparison: Comparison | undefined) {
  if (!comparison) return <span className="muted">no reference</span>;
  return (
    <span className={VERDICT_CLASSES[comparison.verdict]}>
      {formatPercent(comparison.fraction)} of expected · {VERDICTS[comparison.verdict]}
    </span>
  );
}
