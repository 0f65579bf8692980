import type { BenchmarkResult } from '../../../shared/domain/benchmark';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime, formatDuration, formatNumber, formatUsd } from '../../lib/format';
import { RUNTIME_LABELS, summariseTelemetry } from './benchmark-view';
import { ComparisonChart } from './ComparisonChart';
import { IntegrityList } from './IntegrityList';
import { MetricTable } from './MetricTable';
import styles from './Benchmark.module.css';

const STATUS_LABELS: Record<BenchmarkResult['status'], string> = {
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export function BenchmarkResults({ result }: { result: BenchmarkResult }) {
  const telemetry = summariseTelemetry(result);
  return (
    <div className={styles.results} data-testid="benchmark-results" data-status={result.status} data-run-id={result.id}>
      <div className={styles.resultsHead}>
        <h3>
          {result.device.name}{' '}
          <span className={`badge badge-${result.status}`} data-testid="benchmark-status">
            {STATUS_LABELS[result.status]}
          </span>
        </h3>
        <p className="muted">
          {formatDateTime(result.startedAt)} · took {formatDuration(result.durationMs)}
          {result.device.driverVersion ? ` · driver ${result.device.driverVersion}` : ''}
        </p>
      </div>

      {result.error ? <ErrorNotice error={result.error} testId="benchmark-run-error" /> : null}

      {result.suggestedPrice ? (
        <div className={styles.price} data-testid="suggested-price">
          <span className={styles.priceLabel}>Suggested price</span>
          <span className={styles.priceValue}>
            {formatUsd(result.suggestedPrice.usdPerHour)}
            <span className={styles.priceUnit}> per hour</span>
          </span>
          <span className={styles.priceBasis}>{result.suggestedPrice.basis}</span>
        </div>
      ) : null}

      {result.warnings.length > 0 ? (
        <ul className={styles.warnings} data-testid="benchmark-warnings">
          {result.warnings.map((warning, i) => (
            <li key={`${warning.code}-${i}`} data-code={warning.code}>
              <span className="status status-warn">
                <span className="status-dot" aria-hidden="true" />
                <span className="status-label">Warning</span>
              </span>{' '}
              {warning.message}
            </li>
          ))}
        </ul>
      ) : null}

      <MetricTable metrics={result.metrics} comparisons={result.comparisons} />
      <ComparisonChart comparisons={result.comparisons} metrics={result.metrics} />
      {result.kind === 'cpu' && result.status === 'completed' ? (
        <p className="muted" data-testid="cpu-no-reference">
          CPU results are not compared with a peak: the reference table covers NVIDIA GPUs, the cards RigShift rents
          out. The CPU run proves the container path works on this machine.
        </p>
      ) : null}

      <h4>Memory integrity</h4>
      <IntegrityList checks={result.integrity} />

      <h4>How it ran</h4>
      <dl className="facts">
        <dt>Container runtime</dt>
        <dd data-testid="benchmark-runtime">{RUNTIME_LABELS[result.runtime] ?? result.runtime}</dd>
        <dt>Image</dt>
        <dd>
          <code className="wrap">{result.image}</code>
        </dd>
        {telemetry.maxTemperatureC !== null ? (
          <>
            <dt>Hottest</dt>
            <dd>{Math.round(telemetry.maxTemperatureC)} °C</dd>
          </>
        ) : null}
        {telemetry.maxPowerW !== null ? (
          <>
            <dt>Highest power draw</dt>
            <dd>{Math.round(telemetry.maxPowerW)} W</dd>
          </>
        ) : null}
        {telemetry.maxCpuPercent !== null ? (
          <>
            <dt>Highest CPU use</dt>
            <dd>{formatNumber(telemetry.maxCpuPercent)}% of one core</dd>
          </>
        ) : null}
        {telemetry.throttleReasons.length > 0 ? (
          <>
            <dt>Throttling seen</dt>
            <dd>{telemetry.throttleReasons.join(', ')}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
