import { useId } from 'react';
import type { JobRecord } from '../../../shared/domain/job';
import { useSnapshot } from '../../app/app-context';
import { Spinner } from '../../components/Spinner';
import { useJobProgress } from '../../lib/use-job-progress';
import { formatLiveTelemetry, useLiveTelemetry } from '../../lib/use-live-telemetry';
import { useNow } from '../../lib/use-now';
import { CancelJob } from './CancelJob';
import { JobLogView } from './JobLogView';
import { JobProgressBar } from './JobProgressBar';
import { CPU_JOB_DEVICE, formatElapsed, jobDeviceLabel, jobStartMs, NETWORK_LABELS, NETWORK_WHY, shortImage, STATE_LABELS } from './job-view';
import { RuntimeBadge } from './RuntimeBadge';
import { UntrustedText, untrustedAttribute } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import styles from './Jobs.module.css';
import { isMarketRun } from './market-restarts';
import { MarketRestartNote } from './MarketRestartNote';

/**
 * One running job. The parts that change often each live in their own component (state
 * label, elapsed clock, GPU readings, log tail), so a log batch or a clock tick re-renders
 * only that part, never the card or the page.
 */
export function RunningJobCard({ job }: { job: JobRecord }) {
  const { detection } = useSnapshot();
  const headingId = useId();
  const gpu = job.deviceId !== CPU_JOB_DEVICE;
  return (
    <article className={styles.jobCard} data-testid={`job-${job.id}`} data-state={job.state} aria-labelledby={headingId}>
      <header className={styles.jobCardHead}>
        <h3 id={headingId} className={styles.jobName}>
          <UntrustedText text={job.name} />
        </h3>
        <JobStateLabel job={job} />
        <JobElapsed job={job} />
      </header>
      <dl className={cx('facts', styles.jobFacts)}>
        <dt>Image</dt>
        <dd>
          <code className={styles.jobImage} title={untrustedAttribute(job.image)}>
            <UntrustedText text={shortImage(job.image)} />
          </code>
        </dd>
        <dt>Device</dt>
        <dd>{jobDeviceLabel(job.deviceId, detection)}</dd>
        <dt>Sandbox</dt>
        <dd>
          <RuntimeBadge runtime={job.runtime} />
        </dd>
        <dt>Network</dt>
        <dd title={NETWORK_WHY[job.network]}>{NETWORK_LABELS[job.network]}</dd>
        <dt>Preemptible</dt>
        <dd>
          {job.preemptible
            ? 'Yes: it stops as soon as you need your PC back'
            : 'No: taken only because your hours cover its full length'}
        </dd>
        {gpu ? (
          <>
            <dt>GPU now</dt>
            <dd>
              <JobTelemetry gpuUuid={job.deviceId} />
            </dd>
          </>
        ) : null}
      </dl>
      {isMarketRun(job.id) ? <MarketRestartNote jobId={job.id} block /> : null}
      <JobLogView jobId={job.id} bytesDropped={job.logs.bytesDropped} live />
      <CancelJob job={job} />
    </article>
  );
}

/** The state, worded by the latest jobProgress when there is one ("Pulling image: 312 of 840 MB"). */
function JobStateLabel({ job }: { job: JobRecord }) {
  const progress = useJobProgress(job.id);
  const current = progress?.state === job.state ? progress : null;
  const label = current?.label || STATE_LABELS[job.state];
  return (
    <span className={styles.jobState} data-testid={`job-state-${job.id}`}>
      {job.state === 'running' ? <span className={styles.jobRunningDot} aria-hidden="true" /> : <Spinner />}
      {label}
      {current?.fraction != null ? (
        <JobProgressBar label={label} fraction={current.fraction} className={styles.jobProgress} />
      ) : null}
    </span>
  );
}

function JobElapsed({ job }: { job: JobRecord }) {
  const now = useNow();
  const start = jobStartMs(job);
  if (start === null) return null;
  return (
    <span className={styles.jobElapsed} title={job.timings.startedAt ? 'Since the container started' : 'Since the job arrived'}>
      <span className="visually-hidden">Elapsed time </span>
      {formatElapsed(now - start)}
    </span>
  );
}

function JobTelemetry({ gpuUuid }: { gpuUuid: string }) {
  const live = useLiveTelemetry(gpuUuid);
  return <span data-testid={`job-gpu-live-${gpuUuid}`}>{live ? formatLiveTelemetry(live) : 'waiting for telemetry…'}</span>;
}
