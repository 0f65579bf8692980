import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consumePullStream, parsePullLine } from '../../../electron/agent/images/docker-pull-stream';
import type { PullProgress } from '../../../electron/agent/ports';
import { PULL_LINES, transcriptMessages } from './pull-transcript';

const REF = '127.0.0.1:5000/rigshift-test/tiny@sha256:' + 'a'.repeat(64);

describe('parsePullLine', () => {
  it('reads status, layer id and byte counts, and drops the human progress bar', () => {
    expect(parsePullLine(PULL_LINES[5]!)).toEqual({
      progress: { status: 'Downloading', layerId: '3e731ddb7fc9', current: 49152, total: 4_335_400 },
    });
    expect(parsePullLine('{"status":"Pulling fs layer","progressDetail":{},"id":"abc"}')).toEqual({
      progress: { status: 'Pulling fs layer', layerId: 'abc' },
    });
  });

  it("returns the engine's error text for an error line", () => {
    expect(
      parsePullLine('{"errorDetail":{"message":"manifest for x not found: manifest unknown"},"error":"manifest for x not found: manifest unknown"}'),
    ).toEqual({ error: 'manifest for x not found: manifest unknown' });
  });

  it('ignores blank and non-JSON lines', () => {
    expect(parsePullLine('')).toBeNull();
    expect(parsePullLine('not json')).toBeNull();
  });
});

describe('consumePullStream', () => {
  it('delivers every message in order, even when chunks split lines', async () => {
    const stream = new PassThrough();
    const got: PullProgress[] = [];
    const done = consumePullStream(stream, REF, (p) => got.push(p), undefined);
    const body = PULL_LINES.join('\r\n') + '\r\n';
    for (let i = 0; i < body.length; i += 37) stream.write(body.slice(i, i + 37));
    stream.end();
    await done;
    expect(got).toEqual(transcriptMessages());
  });

  it('rejects with image_pull_failed on an error line', async () => {
    const stream = new PassThrough();
    const done = consumePullStream(stream, REF, () => undefined, undefined);
    stream.write(PULL_LINES[0] + '\n');
    stream.end('{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}');
    await expect(done).rejects.toMatchObject({ code: 'image_pull_failed', message: expect.stringContaining('manifest unknown') });
  });

  it('closes the stream and rejects with image_pull_cancelled when the signal aborts', async () => {
    const stream = new PassThrough();
    const controller = new AbortController();
    const got: PullProgress[] = [];
    const done = consumePullStream(stream, REF, (p) => got.push(p), controller.signal);
    stream.write(PULL_LINES[2] + '\n');
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await expect(done).rejects.toMatchObject({ code: 'image_pull_cancelled' });
    expect(stream.destroyed).toBe(true);
    expect(got).toHaveLength(1);
  });

  it('treats a stream that closes before its end as a failed pull', async () => {
    const stream = new PassThrough();
    const done = consumePullStream(stream, REF, () => undefined, undefined);
    stream.write(PULL_LINES[2] + '\n');
    stream.destroy();
    await expect(done).rejects.toMatchObject({ code: 'image_pull_failed' });
  });
});
