import { useLayoutEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { useJobLogTail } from '../../lib/query/followed-hooks';
import { formatKiB } from './job-view';
import { UntrustedText } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import styles from './Jobs.module.css';

interface Props {
  jobId: string;
  /** From the job's record: what the agent did not keep. */
  bytesDropped: number;
  /** A running job: say so while no line came yet. */
  live?: boolean;
  max?: number;
}

/** How close to the bottom counts as "at the bottom" (a line, give or take). */
const STICK_PX = 24;

/**
 * The log's last lines in a scroll box. It follows new lines while the reader is at the
 * bottom and stays put once they scroll up, until they scroll back or press "Jump to latest".
 */
export function JobLogView({ jobId, bytesDropped, live = false, max = 500 }: Props) {
  const tail = useJobLogTail(jobId, max);
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [tail.lines, follow]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
    if (atBottom !== follow) setFollow(atBottom);
  };

  const empty = tail.lines.length === 0;
  return (
    <div className={styles.jobLog}>
      <div className={styles.jobLogHead}>
        <span className="small strong">Log</span>
        <span className="muted small">
          {tail.trimmed > 0 || tail.lines.length >= max ? `last ${max} lines` : `${tail.lines.length} lines`}
        </span>
        {!follow ? (
          <button type="button" className="button-small" onClick={() => setFollow(true)}>
            Jump to latest
          </button>
        ) : null}
      </div>
      {tail.error ? <ErrorNotice error={tail.error} /> : null}
      <div
        ref={box}
        className={styles.logView}
        role="log"
        aria-live="off"
        aria-label="Job log"
        // Scrollable, so keyboard users can scroll it too.
        tabIndex={0}
        onScroll={onScroll}
        data-testid={`job-log-${jobId}`}
        data-follow={follow}
      >
        {tail.loading && empty ? (
          <span className="muted">
            <Spinner /> Loading the log…
          </span>
        ) : empty ? (
          <span className="muted">{live ? 'No output yet.' : 'This job wrote no output.'}</span>
        ) : (
          tail.lines.map((line) => (
            <span key={line.seq} className={cx(styles.logLine, line.stream === 'stderr' && styles.logStderr)}>
              <UntrustedText text={line.text} keepTabs />
              {'\n'}
            </span>
          ))
        )}
      </div>
      {bytesDropped > 0 ? (
        <p className="muted small" data-testid={`job-log-dropped-${jobId}`}>
          Logs truncated: {formatKiB(bytesDropped)} dropped (the agent keeps a bounded amount of each job’s output).
        </p>
      ) : null}
    </div>
  );
}
