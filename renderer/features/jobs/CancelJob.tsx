import { useState } from 'react';
import type { JobRecord } from '../../../shared/domain/job';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { useCall } from '../../lib/use-call';
import { UntrustedText } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import styles from './Jobs.module.css';

/**
 * "Cancel job", then a confirmation: it ends a job a renter is paying for. The card goes
 * when the agent's jobFinished arrives; until then it says "Stopping…".
 */
export function CancelJob({ job }: { job: JobRecord }) {
  const api = useApi();
  const [step, setStep] = useState<'idle' | 'confirm' | 'stopping' | 'gone'>('idle');
  const cancel = useCall(async () => {
    const result = await api.cancelJob({ jobId: job.id });
    if (result.ok) setStep(result.value.cancelled ? 'stopping' : 'gone');
    else setStep('confirm');
    return result;
  });

  if (step === 'stopping') {
    return (
      <p className={styles.jobCancelStatus} data-testid={`job-cancel-status-${job.id}`}>
        <Spinner /> Stopping the job…
      </p>
    );
  }
  if (step === 'gone') {
    return (
      <p className={cx(styles.jobCancelStatus, 'muted')} data-testid={`job-cancel-status-${job.id}`}>
        The job had already ended; it will move to the history.
      </p>
    );
  }
  return (
    <div className={styles.jobCancel}>
      {cancel.error ? <ErrorNotice error={cancel.error} onDismiss={cancel.clearError} /> : null}
      {step === 'confirm' ? (
        <div className="confirm" role="group" aria-label="Confirm cancelling the job">
          <p className="confirm-text">
            Stop “<UntrustedText text={job.name} />” now? A renter is paying for this job: it ends at once, its work so far is lost, and it is
            recorded as cancelled.
          </p>
          <div className="confirm-buttons">
            <button
              type="button"
              className="button-danger"
              onClick={() => void cancel.run()}
              disabled={cancel.pending}
              data-testid={`job-cancel-confirm-${job.id}`}
            >
              {cancel.pending ? <Spinner /> : null}
              Yes, stop the job
            </button>
            <button type="button" onClick={() => setStep('idle')} disabled={cancel.pending}>
              Keep it running
            </button>
          </div>
        </div>
      ) : (
        <button type="button" onClick={() => setStep('confirm')} data-testid={`job-cancel-${job.id}`}>
          Cancel job
        </button>
      )}
    </div>
  );
}
