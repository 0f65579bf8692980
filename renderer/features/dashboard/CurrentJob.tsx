import type { JobRecord } from '../../../shared/domain/job';
import { useSnapshot } from '../../app/app-context';
import { UntrustedText } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import { useJobProgress } from '../../lib/use-job-progress';
import { useNow } from '../../lib/use-now';
import { JobProgressBar } from '../jobs/JobProgressBar';
import { formatElapsed, jobDeviceLabel, jobStartMs, shortImage, STATE_LABELS } from '../jobs/job-view';
import styles from './Dashboard.module.css';

const STEPS: readonly JobRecord['state'][] = ['preparing', 'pulling', 'running', 'collecting'];
const STEP_WORDS: Record<JobRecord['state'], string> = {
  preparing: 'Prepare',
  pulling: 'Download',
  running: 'Run',
  collecting: 'Upload',
  finished: 'Done',
};

/** The job this PC runs now, live: its step, the agent's latest progress, and its clock. */
export function CurrentJob() {
  const { jobs } = useSnapshot();
  const job = jobs.active[0];
  return (
    <div className={cx(styles.tile, styles.job)} data-testid="current-job" data-state={job?.state ?? 'none'}>
      <span className={styles.label}>Current job</span>
      {job ? <JobNow job={job} more={jobs.active.length - 1} /> : <span className={styles.note}>No job is running. Jobs appear here while they run.</span>}
    </div>
  );
}

function JobNow({ job, more }: { job: JobRecord; more: number }) {
  const { detection } = useSnapshot();
  const progress = useJobProgress(job.id);
  const current = progress?.state === job.state ? progress : null;
  const label = current?.label || STATE_LABELS[job.state];
  const step = STEPS.indexOf(job.state);
  return (
    <>
      <strong className={styles.jobName}>
        <UntrustedText text={job.name || shortImage(job.image)} />
      </strong>
      <span className={styles.note}>
        {STATE_LABELS[job.state]} on {jobDeviceLabel(job.deviceId, detection)} · <Elapsed job={job} /> · <a href="#/jobs">details</a>
        {more > 0 ? ` · and ${more} more` : ''}
      </span>
      <ol className={styles.steps} aria-label="Job steps">
        {STEPS.map((s, i) => (
          <li key={s} className={cx(styles.step, i < step && styles.stepDone, i === step && styles.stepNow)} aria-current={i === step ? 'step' : undefined}>
            {STEP_WORDS[s]}
          </li>
        ))}
      </ol>
      <span className={styles.progressLine} data-testid="current-job-progress">
        {label}
        {current?.fraction != null ? (
          <JobProgressBar label={label} fraction={current.fraction} />
        ) : null}
      </span>
    </>
  );
}

function Elapsed({ job }: { job: JobRecord }) {
  const now = useNow();
  const start = jobStartMs(job);
  if (start === null) return null;
  return (
    <span title={job.timings.startedAt ? 'Since the container started' : 'Since the job arrived'} data-testid="current-job-elapsed">
      {formatElapsed(now - start)}
    </span>
  );
}
