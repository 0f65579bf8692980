import type { ApiError } from '../../shared/api/result';
import type { JobLogLines } from '../../shared/domain/job';

/*
 * The last lines of one job's log: the kept tail first (getJobLogs), then the lines the
 * agent pushes as `jobLog` events, bounded to `max`. The pure folds the query cache uses
 * (lib/query/follow-queries.ts): plain TypeScript, tested without a DOM.
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
  /** The number the next line gets. */
  nextSeq: number;
}

export const INITIAL_LOG_TAIL: LogTail = { lines: [], loading: true, error: null, trimmed: 0, nextSeq: 0 };

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

/** The number of lines a tail of `max` keeps: what the contract allows, at least one. */
export function tailLimit(max: number): number {
  return Math.min(MAX_TAIL_LINES, Math.max(1, Math.floor(max)));
}

/** `lines` pushed by the agent, numbered on from the tail's last line and kept within `limit`. */
export function foldLogLines(tail: LogTail, lines: readonly RawLogLine[], limit: number): LogTail {
  if (lines.length === 0) return tail;
  const numbered = lines.map((line, i) => ({ stream: line.stream, text: line.text, seq: tail.nextSeq + i }));
  return { ...appendBounded(tail, numbered, limit), nextSeq: tail.nextSeq + lines.length };
}

/**
 * The tail getJobLogs answered (`kept`, or its error), with the lines pushed while it was
 * in flight after it, less those the answer already has. `nextSeq` continues the numbers
 * of the tail shown before (a refetch after a reconnect), so row keys stay unique.
 */
export function tailFromAnswer(
  answer: { ok: true; lines: readonly RawLogLine[] } | { ok: false; error: ApiError },
  pushed: readonly RawLogLine[],
  limit: number,
  nextSeq: number,
): LogTail {
  const start: LogTail = { ...INITIAL_LOG_TAIL, loading: false, nextSeq };
  if (!answer.ok) return foldLogLines({ ...start, error: answer.error }, pushed.slice(-limit), limit);
  const kept = answer.lines.slice(-limit);
  const fresh = pushed.slice(overlap(kept, pushed));
  return foldLogLines(start, kept.concat(fresh), limit);
}
