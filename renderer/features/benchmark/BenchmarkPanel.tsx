import { useState } from 'react';
import { useApi, useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { useCall } from '../../lib/use-call';
import { valueToTarget } from './benchmark-view';
import { BenchmarkProgress } from './BenchmarkProgress';
import { BenchmarkResults } from './BenchmarkResults';
import { HistoryTable } from './HistoryTable';
import { TargetPicker } from './TargetPicker';
import styles from './Benchmark.module.css';

export function BenchmarkPanel() {
  const api = useApi();
  const { benchmark, detection } = useSnapshot();
  const [target, setTarget] = useState('auto');
  // null = show the newest run, so a run that just finished appears by itself.
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const start = useCall(() => api.startBenchmark({ target: valueToTarget(target) }));
  const cancel = useCall((runId: string) => api.cancelBenchmark({ runId }));
  // Stays set after the call answers: the run ends only when benchmarkFinished arrives.
  const [cancelledRunId, setCancelledRunId] = useState<string | null>(null);
  const { active, history } = benchmark;
  const gpus = detection?.gpus ?? [];
  const shown = history.find((run) => run.id === selectedId) ?? history[0] ?? null;
  const starting = start.pending && !active;

  const onStart = async () => {
    setSelectedId(null);
    cancel.clearError();
    await start.run();
  };

  return (
    <Section
      id="benchmark"
      title="Benchmark"
      intro="Measures what this machine really delivers, checks its memory, and suggests a price per hour."
    >
      <div className={styles.benchmarkControls}>
        <TargetPicker value={target} gpus={gpus} disabled={Boolean(active) || start.pending} onChange={setTarget} />
        <button
          type="button"
          className="button-primary"
          onClick={() => void onStart()}
          disabled={Boolean(active) || start.pending}
          aria-busy={starting}
          data-testid="benchmark-start"
        >
          {starting ? <Spinner /> : null}
          {starting ? 'Starting…' : 'Start benchmark'}
        </button>
      </div>
      {start.error ? <ErrorNotice error={start.error} testId="benchmark-error" onDismiss={start.clearError} /> : null}
      {cancel.error ? <ErrorNotice error={cancel.error} testId="benchmark-cancel-error" onDismiss={cancel.clearError} /> : null}

      {active ? (
        <BenchmarkProgress
          active={active}
          cancelling={cancel.pending || cancelledRunId === active.runId}
          onCancel={async () => {
            const result = await cancel.run(active.runId);
            if (result.ok && result.value.cancelled) setCancelledRunId(active.runId);
          }}
        />
      ) : null}

      {shown ? (
        <BenchmarkResults result={shown} />
      ) : !active ? (
        <p className="muted" data-testid="benchmark-empty">
          No benchmark has run on this machine yet. A run takes a few minutes; your card gets warm, which is expected.
        </p>
      ) : null}

      {history.length > 0 ? <HistoryTable history={history} selectedId={shown?.id ?? null} onSelect={setSelectedId} /> : null}
    </Section>
  );
}
