import { useEffect, useState } from 'react';
import { useApi } from '../app/app-context';
import { INITIAL_LOG_TAIL, type LogTail, watchJobLogTail } from './job-log-tail';

/**
 * The last `max` log lines of one job: loaded with getJobLogs, then followed through the
 * pushed `jobLog` events. Kept in the component that shows them, not in the app store:
 * batches arrive several times a second and only the log view needs to re-render.
 */
export function useJobLogTail(jobId: string, max = 500): LogTail {
  const api = useApi();
  const key = `${jobId}\n${max}`;
  const [held, setHeld] = useState({ key, tail: INITIAL_LOG_TAIL });
  // Another job (or size): start over from "loading" in this render, not after it.
  if (held.key !== key) setHeld({ key, tail: INITIAL_LOG_TAIL });

  useEffect(() => watchJobLogTail(api, jobId, max, (tail) => setHeld({ key: `${jobId}\n${max}`, tail })), [api, jobId, max]);

  return held.key === key ? held.tail : INITIAL_LOG_TAIL;
}
