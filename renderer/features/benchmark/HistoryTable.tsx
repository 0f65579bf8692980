import type { BenchmarkResult } from '../../../shared/domain/benchmark';
import { formatDateTime, formatNumber } from '../../lib/format';
import { headlineMetric } from './benchmark-view';

interface Props {
  history: BenchmarkResult[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function HistoryTable({ history, selectedId, onSelect }: Props) {
  return (
    <div className="table-wrap">
      <table className="table history" data-testid="benchmark-history">
        <caption>Past runs</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Device</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">Headline figure</th>
            <th scope="col">
              <span className="visually-hidden">Show</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {history.map((run) => {
            const headline = headlineMetric(run);
            const selected = run.id === selectedId;
            return (
              <tr key={run.id} className={selected ? 'selected' : undefined} data-testid={`history-${run.id}`}>
                <td>{formatDateTime(run.startedAt)}</td>
                <td>{run.device.name}</td>
                <td>
                  <span className={`badge badge-${run.status}`}>{run.status}</span>
                </td>
                <td className="num">
                  {headline ? `${formatNumber(headline.value)} ${headline.unit}` : '—'}
                  {headline ? <span className="muted small"> {headline.label}</span> : null}
                </td>
                <td>
                  <button type="button" className="button-small" onClick={() => onSelect(run.id)} disabled={selected}>
                    {selected ? 'Shown' : 'Show'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
