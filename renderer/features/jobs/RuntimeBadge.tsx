import { cx } from '../../lib/cx';
import { type RuntimeKind, runtimeView } from './job-view';
import styles from './Jobs.module.css';

const KIND_CLASSES: Record<RuntimeKind, string | undefined> = {
  gvisor: styles.runtimeGvisor,
  runc: styles.runtimeRunc,
  other: styles.runtimeOther,
  none: styles.runtimeNone,
};

/** Which OCI runtime really ran the job, with why it matters in the tooltip. */
export function RuntimeBadge({ runtime, finished = false }: { runtime: string | null; finished?: boolean }) {
  const view = runtimeView(runtime, finished);
  return (
    <span className={cx(styles.runtimeBadge, KIND_CLASSES[view.kind])} title={view.why} data-runtime={view.kind}>
      {view.label}
    </span>
  );
}
