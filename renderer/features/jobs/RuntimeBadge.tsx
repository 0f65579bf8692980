import { runtimeView } from './job-view';

/** Which OCI runtime really ran the job, with why it matters in the tooltip. */
export function RuntimeBadge({ runtime, finished = false }: { runtime: string | null; finished?: boolean }) {
  const view = runtimeView(runtime, finished);
  return (
    <span className={`runtime-badge runtime-${view.kind}`} title={view.why} data-runtime={view.kind}>
      {view.label}
    </span>
  );
}
