import { useState } from 'react';
import type { JobRecord } from '../../../shared/domain/job';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes, formatDateTime } from '../../lib/format';
import { formatKiB, formatSpan, NETWORK_LABELS } from './job-view';
import { JobLogView } from './JobLogView';
import { isMarketRun } from './market-restarts';
import { MarketRestartNote } from './MarketRestartNote';
import { RuntimeBadge } from './RuntimeBadge';
import { UntrustedText } from '../../components/UntrustedText';
import styles from './Jobs.module.css';

const at = (iso: string | null) => (iso === null ? '—' : formatDateTime(iso));
const span = (ms: number | null) => (ms === null ? '—' : formatSpan(ms));

/** A finished job's whole record, with its outputs and, on request, its kept log. */
export function JobDetails({ job }: { job: JobRecord }) {
  const [showLogs, setShowLogs] = useState(false);
  const { timings } = job;
  return (
    <div className="job-details" data-testid={`history-details-${job.id}`}>
      <p className={styles.jobMessage}>
        <UntrustedText text={job.message} />
      </p>
      {job.error ? <ErrorNotice error={job.error} /> : null}
      {isMarketRun(job.id) ? <MarketRestartNote jobId={job.id} block /> : null}
      <dl className="facts">
        <dt>Image</dt>
        <dd>
          <code className="wrap">
            <UntrustedText text={job.image} />
          </code>
        </dd>
        <dt>Sandbox</dt>
        <dd>
          <RuntimeBadge runtime={job.runtime} finished />
        </dd>
        <dt>Network</dt>
        <dd>{NETWORK_LABELS[job.network]}</dd>
        <dt>Preemptible</dt>
        <dd>{job.preemptible ? 'Yes' : 'No'}</dd>
        <dt>Exit code</dt>
        <dd data-testid={`history-exit-${job.id}`}>{job.exitCode ?? '—'}</dd>
        <dt>Timings</dt>
        <dd>
          Arrived {at(timings.createdAt)} · started {at(timings.startedAt)} · finished {at(timings.finishedAt)}
          <span className="field-help">
            Preparing (image and inputs) {span(timings.prepareMs)} · running {span(timings.runMs)}
          </span>
        </dd>
        <dt>Log</dt>
        <dd>
          {formatKiB(job.logs.bytesKept)} kept
          {job.logs.bytesDropped > 0 ? `, ${formatKiB(job.logs.bytesDropped)} dropped` : ', nothing dropped'}
        </dd>
        <dt>Outputs</dt>
        <dd>{job.outputs.length === 0 ? 'None' : `${job.outputs.length} file${job.outputs.length === 1 ? '' : 's'}`}</dd>
      </dl>
      {job.outputs.length > 0 ? (
        <ul className={styles.jobOutputs}>
          {job.outputs.map((file) => (
            <li key={file.name} className={styles.jobOutput} data-testid={`job-output-${job.id}-${file.name}`}>
              <span className="job-output-name">
                <code>
                  <UntrustedText text={file.name} />
                </code>{' '}
                <span className="muted small">{formatBytes(file.sizeBytes)}</span>
              </span>
              <span className={styles.jobOutputHash}>
                <span className="muted small">sha256</span> <code className="wrap">{file.sha256}</code>
                <CopyButton text={file.sha256} label="Copy sha256" />
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {showLogs ? (
        <JobLogView jobId={job.id} bytesDropped={job.logs.bytesDropped} />
      ) : (
        <button type="button" className="button-small" onClick={() => setShowLogs(true)} data-testid={`history-logs-${job.id}`}>
          Show logs
        </button>
      )}
    </div>
  );
}
