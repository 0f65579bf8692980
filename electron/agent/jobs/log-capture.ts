/**
 * What a job prints, kept within bounds. A stranger's job can print gigabytes a second;
 * the owner's PC must not pay for it in memory, disk or UI time. Two caps:
 *  - a rate cap (token bucket): lines beyond the sustained rate are dropped, not queued;
 *  - a size cap: the first `maxKeptBytes` are kept (with the job, on disk, after the end),
 *    everything later is only counted.
 * Kept lines reach the UI in batches, at most `maxBatchesPerSecond` times a second.
 */
import type { JobLogLines } from '../../../shared/domain/job';

export type LogStream = 'stdout' | 'stderr';
export type LogLine = JobLogLines['lines'][number];

export const DEFAULT_LOG_LIMITS = {
  /** Sustained bytes a second kept (and the bucket's size: one second of burst). */
  bytesPerSecond: 256 * 1024,
  /** Bytes kept per job; the rest is counted as dropped. */
  maxKeptBytes: 2 * 1024 * 1024,
  /** One line longer than this is cut (the engine already splits lines at 16 KiB). */
  maxLineBytes: 16 * 1024,
  maxBatchesPerSecond: 4,
} as const;

export interface LogCaptureOptions {
  onBatch: (lines: LogLine[]) => void;
  bytesPerSecond?: number;
  maxKeptBytes?: number;
  maxLineBytes?: number;
  maxBatchesPerSecond?: number;
  /** Monotonic milliseconds (injectable for tests). */
  now?: () => number;
}

export interface LogCapture {
  push(stream: LogStream, text: string): void;
  /** Sends the pending batch now and stops the timer; later lines are only counted. */
  close(): void;
  kept(): LogLine[];
  bytesKept(): number;
  bytesDropped(): number;
}

/** A line's cost: its UTF-8 bytes plus the newline it came with. */
const costOf = (text: string) => Buffer.byteLength(text, 'utf8') + 1;

function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // Cut on a byte boundary, then drop a torn trailing character (U+FFFD from the decoder).
  return Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
}

export function createLogCapture(options: LogCaptureOptions): LogCapture {
  const rate = options.bytesPerSecond ?? DEFAULT_LOG_LIMITS.bytesPerSecond;
  const maxKept = options.maxKeptBytes ?? DEFAULT_LOG_LIMITS.maxKeptBytes;
  const maxLine = options.maxLineBytes ?? DEFAULT_LOG_LIMITS.maxLineBytes;
  const intervalMs = 1000 / (options.maxBatchesPerSecond ?? DEFAULT_LOG_LIMITS.maxBatchesPerSecond);
  const now = options.now ?? (() => performance.now());

  const keptLines: LogLine[] = [];
  let pending: LogLine[] = [];
  let keptBytes = 0;
  let droppedBytes = 0;
  let tokens = rate;
  let refilledAt = now();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const flush = () => {
    timer = null;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    options.onBatch(batch);
  };

  const refill = () => {
    const t = now();
    tokens = Math.min(rate, tokens + ((t - refilledAt) / 1000) * rate);
    refilledAt = t;
  };

  return {
    push(stream, raw) {
      const fullCost = costOf(raw);
      if (closed || keptBytes >= maxKept) {
        droppedBytes += fullCost;
        return;
      }
      const text = cutToBytes(raw, maxLine);
      const cost = costOf(text);
      refill();
      if (cost > tokens || keptBytes + cost > maxKept) {
        droppedBytes += fullCost;
        return;
      }
      tokens -= cost;
      keptBytes += cost;
      droppedBytes += fullCost - cost;
      const line = { stream, text };
      keptLines.push(line);
      pending.push(line);
      // The first line of a quiet period waits up to one interval, so bursts become one event.
      timer ??= setTimeout(flush, intervalMs);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      flush();
    },
    kept: () => keptLines,
    bytesKept: () => keptBytes,
    bytesDropped: () => droppedBytes,
  };
}

/** The kept log as written next to the job: one line each, prefixed with its stream. */
export function formatKeptLog(lines: readonly LogLine[]): string {
  return lines.map((l) => `${l.stream === 'stdout' ? 'out' : 'err'}| ${l.text}\n`).join('');
}

/** Reads back what formatKeptLog wrote (the last `tail` lines). */
export function parseKeptLog(text: string, tail: number): LogLine[] {
  return text
    .split('\n')
    .filter(Boolean)
    .slice(-tail)
    .map((line) => ({
      stream: line.startsWith('err| ') ? ('stderr' as const) : ('stdout' as const),
      text: line.replace(/^(out|err)\| /, ''),
    }));
}
