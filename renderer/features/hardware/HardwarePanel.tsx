import { useApi, useApplyAnswer, useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { formatDateTime } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { AdapterList } from './AdapterList';
import { GpuCard } from './GpuCard';
import { NoGpuMessage } from './NoGpuMessage';
import styles from './Hardware.module.css';

export function HardwarePanel() {
  const api = useApi();
  const applyAnswer = useApplyAnswer();
  const { detection, detecting } = useSnapshot();
  const detect = useCall(async () => {
    const result = await api.detectHardware({});
    if (result.ok) applyAnswer({ name: 'detection', payload: result.value });
    return result;
  });
  const busy = detecting || detect.pending;

  const actions = (
    <button type="button" onClick={() => void detect.run()} disabled={busy} aria-busy={busy} data-testid="detect-again">
      {busy ? <Spinner /> : null}
      {busy ? 'Detecting…' : 'Detect again'}
    </button>
  );

  return (
    <Section
      id="hardware"
      title="Your hardware"
      intro="The graphics cards RigShift can see on this machine."
      actions={actions}
    >
      {detect.error ? <ErrorNotice error={detect.error} onDismiss={detect.clearError} /> : null}
      {detection === null ? (
        <p className="muted">
          <Spinner /> Looking for graphics cards…
        </p>
      ) : (
        <>
          {detection.gpus.length === 0 ? (
            <NoGpuMessage nvidiaSmi={detection.nvidiaSmi} />
          ) : (
            <div className={styles.gpuList}>
              {detection.gpus.map((gpu) => (
                <GpuCard key={gpu.uuid} gpu={gpu} />
              ))}
            </div>
          )}
          <AdapterList adapters={detection.adapters} />
          <p className="muted small">Last checked {formatDateTime(detection.detectedAt)}</p>
        </>
      )}
    </Section>
  );
}
