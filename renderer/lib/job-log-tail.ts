import type { AgentEvent, RigshiftApi } from '../../shared/api/contract';
import type { ApiError } from '../../shared/api/result';
import type { JobLogLines } from '../../shared/domain/job';

/*
 * The last lines of one job's log: the kept tail first (getJobLogs), then the lines the
 * agent pushes as `jobLog` events, bounded to `max`. Plain TypeScript so it is tested
 * without a DOM; use-job-log-tail.ts wraps it for a component.
 */

export type RawLogLine = JobLogLines['lines'][number];

/** A line with a number that stays with it, so a list keyed by it only adds and drops rows. */
export interface LogLine extends RawLogLine {
  seq: number;
}

export interface LogTail {
  lines: LogLine[];
  /** Waiting for getJobLogs. */
  loading: boolean;
  /** getJobLogs failed; pushed lines are still shown. */
  error: ApiError | null;
  /** Lines dropped here to stay within `max` (the agent may have dropped more: logs.bytesDropped). */
  trimmed: number;
}

export const INITIAL_LOG_TAIL: LogTail = { lines: [], loading: true, error: null, trimmed: 0 };

/** The most lines one getJobLogs may ask for (the contract's bound). */
export const MAX_TAIL_LINES = 5000;

/**
 * How many lines at the start of `pushed` repeat the end of `kept`: lines pushed while
 * getJobLogs was in flight may already be in its answer. Lines carry no sequence number,
 * so the longest such overlap is taken as the repeat.
 */
export function overlap(kept: readonly RawLogLine[], pushed: readonly RawLogLine[]): number {
  for (let k = Math.min(kept.length, pushed.length); k > 0; k -= 1) {
    let same = true;
    for (let i = 0; i < k && same; i += 1) {
      const a = kept[kept.length - k + i];
      const b = pushed[i];
      same = a !== undefined && b !== undefined && a.stream === b.stream && a.text === b.text;
    }
    if (same) return k;
  }
  return 0;
}

/** `lines` plus `incoming`, keeping the newest `max`. */
export function appendBounded(tail: LogTail, incoming: readonly LogLine[], max: number): LogTail {
  if (incoming.length === 0) return tail;
  const all = tail.lines.concat(incoming);
  const drop = Math.max(0, all.length - max);
  return { ...tail, lines: drop > 0 ? all.slice(drop) : all, trimmed: tail.trimmed + drop };
}

type TailApi = Pick<RigshiftApi, 'getJobLogs'> & { onEvent(listener: (event: AgentEvent) => void): () => void };

/**
 * Loads the tail of `jobId`, then follows it. `onChange` is only ever called later (after
 * the answer, or on an event), never during the call. Returns the function that stops it.
 */
export function watchJobLogTail(api: TailApi, jobId: string, max: number, onChange: (tail: LogTail) => void): () => void {
  const limit = Math.min(MAX_TAIL_LINES, Math.max(1, Math.floor(max)));
  let tail = INITIAL_LOG_TAIL;
  let seq = 0;
  let stopped = false;
  /** Lines pushed before getJobLogs answered; null once it has. */
  let early: RawLogLine[] | null = [];

  const number = (lines: readonly RawLogLine[]): LogLine[] =>
    lines.map((line) => ({ stream: line.stream, text: line.text, seq: seq++ }));
  const emit = (next: LogTail) => {
    tail = next;
    if (!stopped) onChange(tail);
  };

  const off = api.onEvent((event) => {
    if (event.name !== 'jobLog' || event.payload.jobId !== jobId || event.payload.lines.length === 0) return;
    if (early) {
      // Only the newest `limit` lines can be shown anyway.
      early = early.concat(event.payload.lines).slice(-limit);
      return;
    }
    emit(appendBounded(tail, number(event.payload.lines), limit));
  });

  void api.getJobLogs({ jobId, tail: limit }).then((result) => {
    if (stopped) return;
    const pushed = early ?? [];
    early = null;
    if (!result.ok) {
      emit(appendBounded({ ...tail, loading: false, error: result.error }, number(pushed), limit));
      return;
    }
    const kept = result.value.lines.slice(-limit);
    const fresh = pushed.slice(overlap(kept, pushed));
    emit(appendBounded({ ...tail, loading: false, error: null }, number(kept.concat(fresh)), limit));
  });

  return () => {
    stopped = true;
    off();
  };
}
