import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogCapture, formatKeptLog, type LogLine } from '../../../electron/agent/jobs/log-capture';

describe('createLogCapture', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps lines up to the size cap and counts the rest as dropped', () => {
    let t = 0;
    const capture = createLogCapture({ onBatch: () => undefined, maxKeptBytes: 100, bytesPerSecond: 1e9, now: () => t });
    for (let i = 0; i < 20; i += 1) {
      t += 1000;
      capture.push('stdout', 'x'.repeat(9)); // 10 bytes with its newline
    }
    capture.close();
    expect(capture.bytesKept()).toBe(100);
    expect(capture.bytesDropped()).toBe(100);
    expect(capture.kept()).toHaveLength(10);
  });

  it('drops what exceeds the rate and keeps again once the bucket refills', () => {
    let t = 0;
    const capture = createLogCapture({ onBatch: () => undefined, bytesPerSecond: 1000, maxKeptBytes: 1e9, now: () => t });
    // A burst of 5000 bytes in no time: one second's worth (1000) is kept.
    for (let i = 0; i < 50; i += 1) capture.push('stdout', 'y'.repeat(99));
    expect(capture.bytesKept()).toBe(1000);
    expect(capture.bytesDropped()).toBe(4000);
    t += 500; // half a second refills 500 bytes
    for (let i = 0; i < 10; i += 1) capture.push('stderr', 'z'.repeat(99));
    expect(capture.bytesKept()).toBe(1500);
    capture.close();
  });

  it('cuts an overlong line and counts the cut part as dropped', () => {
    const capture = createLogCapture({ onBatch: () => undefined, maxLineBytes: 10, now: () => 0 });
    capture.push('stdout', 'a'.repeat(25));
    capture.close();
    expect(capture.kept()).toEqual([{ stream: 'stdout', text: 'a'.repeat(10) }]);
    expect(capture.bytesKept()).toBe(11);
    expect(capture.bytesDropped()).toBe(15);
  });

  it('sends kept lines in batches, at most four a second', () => {
    vi.useFakeTimers();
    const batches: LogLine[][] = [];
    const capture = createLogCapture({ onBatch: (lines) => batches.push(lines), now: () => Date.now() });
    for (let i = 0; i < 1000; i += 1) {
      capture.push('stdout', `line ${i}`);
      vi.advanceTimersByTime(1); // one line a millisecond for one second
    }
    capture.close();
    expect(batches.length).toBeGreaterThanOrEqual(4);
    expect(batches.length).toBeLessThanOrEqual(5); // four timed batches plus the final flush
    expect(batches.flat()).toHaveLength(1000);
    expect(batches.flat()[999]).toEqual({ stream: 'stdout', text: 'line 999' });
  });

  it('counts lines pushed after close as dropped and sends nothing more', () => {
    const batches: LogLine[][] = [];
    const capture = createLogCapture({ onBatch: (lines) => batches.push(lines), now: () => 0 });
    capture.push('stdout', 'kept');
    capture.close();
    capture.push('stdout', 'late');
    expect(batches).toEqual([[{ stream: 'stdout', text: 'kept' }]]);
    expect(capture.bytesDropped()).toBe(5);
  });

  it('formats the kept log with the stream of each line', () => {
    expect(formatKeptLog([{ stream: 'stdout', text: 'a' }, { stream: 'stderr', text: 'b' }])).toBe('out| a\nerr| b\n');
  });
});
