import { useState } from 'react';
import { useApi, useApplyAnswer, useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { formatDateTime } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { CheckRow } from './CheckRow';
import { defaultFixOs, type FixOs } from './fix-os';
import { cx } from '../../lib/cx';
import styles from './Checks.module.css';

const VERDICTS = {
  ok: 'This machine can take GPU jobs.',
  'no-gpu': 'GPU jobs need an NVIDIA card; the checks below still matter for CPU work.',
  blocked: 'GPU jobs are blocked until the problems below are fixed.',
} as const;

const VERDICT_CLASSES: Record<keyof typeof VERDICTS, string | undefined> = {
  ok: styles.verdictOk,
  'no-gpu': styles.verdictNoGpu,
  blocked: styles.verdictBlocked,
};

export function ChecksPanel() {
  const api = useApi();
  const applyAnswer = useApplyAnswer();
  const { checks, checksRunning, settings, agent, detection } = useSnapshot();
  const noGpu = detection !== null && detection.gpus.length === 0;
  // null = follow the setting; a tab click overrides it for this screen only.
  const [chosenOs, setChosenOs] = useState<FixOs | null>(null);
  const os = chosenOs ?? defaultFixOs(settings.ui.fixOs, agent.platform);
  const run = useCall(async () => {
    const result = await api.runChecks({});
    if (result.ok) applyAnswer({ name: 'checks', payload: { report: result.value, running: false } });
    return result;
  });
  const busy = checksRunning || run.pending;
  // Without an NVIDIA card "blocked" is the normal state, not something to fix.
  const verdict = checks?.gpuJobsAllowed ? 'ok' : noGpu ? 'no-gpu' : 'blocked';

  const actions = (
    <button type="button" onClick={() => void run.run()} disabled={busy} aria-busy={busy} data-testid="run-checks">
      {busy ? <Spinner /> : null}
      {busy ? 'Checking…' : 'Run checks again'}
    </button>
  );

  return (
    <Section
      id="checks"
      title="Machine checklist"
      intro="What this machine needs before it can take GPU jobs. Each problem comes with the exact fix."
      actions={actions}
    >
      {run.error ? <ErrorNotice error={run.error} onDismiss={run.clearError} /> : null}
      {checks === null ? (
        <p className="muted">
          <Spinner /> Checking this machine…
        </p>
      ) : (
        <>
          <p className={cx(styles.verdict, VERDICT_CLASSES[verdict])} data-testid="gpu-jobs-verdict" data-verdict={verdict}>
            {VERDICTS[verdict]}
          </p>
          <ul className={styles.checks} aria-busy={busy}>
            {checks.checks.map((check) => (
              <CheckRow key={check.id} check={check} os={os} onOsChange={setChosenOs} />
            ))}
          </ul>
          <p className="muted small">Last checked {formatDateTime(checks.checkedAt)}</p>
        </>
      )}
    </Section>
  );
}
