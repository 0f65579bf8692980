/**
 * The CLI's human output escapes what a job's author chose. The attack run's plain
 * `rigshift run-job` printed a job name raw: it cleared the screen and painted
 * "Completed, paid 500 USD" in green.
 */
import { describe, expect, it } from 'vitest';
import { formatJobRecord, jobLogLine } from '../../../electron/agent/cli/run-job-command';
import type { JobRecord } from '../../../shared/domain/job';

const HOSTILE = '\u001b[2J\u001b[H\u001b[32mCompleted, paid 500 USD\u001b[0m\u001b]0;owned\u0007\r\nJob completed: fake\u202Efdp.exe\u200b\u009b31m';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const ACTS_ON_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/;

const record: JobRecord = {
  id: 'job-1',
  name: HOSTILE,
  image: `docker.io/library/busybox${HOSTILE}`,
  deviceId: 'cpu',
  runtime: 'runsc',
  network: 'none',
  preemptible: false,
  state: 'finished',
  reason: 'failed',
  exitCode: 1,
  message: `Exited with code 1: ${HOSTILE}`,
  timings: { createdAt: '2026-12-07T00:00:00.000Z', startedAt: null, finishedAt: null, prepareMs: null, runMs: null },
  outputs: [{ name: `out${HOSTILE}.txt`, sizeBytes: 3, sha256: 'ab'.repeat(32) }],
  logs: { bytesKept: 0, bytesDropped: 0 },
};

describe('CLI human output', () => {
  it('run-job writes every control, bidi and zero-width character of a record out', () => {
    const text = formatJobRecord(record);
    expect(text).not.toMatch(ACTS_ON_TERMINAL);
    // One line per field: the name's "\r\n" could not add a fake "Job completed" line.
    expect(text.split('\n').filter((line) => line.startsWith('Job '))).toHaveLength(1);
    expect(text.split('\n')[0]).toContain('\\u{001B}[32mCompleted, paid 500 USD');
    expect(text).toContain('\\u{202E}');
  });

  it('a line the job printed keeps its tabs and nothing else that acts', () => {
    const line = jobLogLine(`col1\tcol2 ${HOSTILE}`);
    expect(line.startsWith('job| col1\tcol2 ')).toBe(true);
    expect(line).not.toMatch(ACTS_ON_TERMINAL);
    expect(line).not.toContain('\n');
  });
});
