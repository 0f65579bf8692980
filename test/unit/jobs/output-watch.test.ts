import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutputUsage } from '../../../electron/agent/jobs/output-collector';
import { type OutputWatch, type OutputWatchOptions, watchOutputs } from '../../../electron/agent/jobs/output-watch';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MiB = 1024 * 1024;
/** Longer than any test here: a test that passes did not rely on the poll. */
const NO_POLL_MS = 60_000;

function until(predicate: () => boolean, timeoutMs = 3_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe('watchOutputs', () => {
  let dir: ReturnType<typeof tempDir>;
  let watch: OutputWatch | null = null;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => {
    watch?.stop();
    dir.cleanup();
  });

  function start(over: Partial<OutputWatchOptions> = {}) {
    const exceeded: OutputUsage[] = [];
    watch = watchOutputs({
      dir: dir.path,
      limits: { maxTotalBytes: MiB, maxFiles: 10 },
      pollMs: NO_POLL_MS,
      onExceeded: (usage) => exceeded.push(usage),
      logger: recordingLogger().logger,
      ...over,
    });
    return exceeded;
  }

  it('sees bytes past the cap on the change event, without waiting for the poll', async () => {
    const exceeded = start();
    writeFileSync(join(dir.path, 'small'), Buffer.alloc(1000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exceeded).toEqual([]);
    writeFileSync(join(dir.path, 'big'), Buffer.alloc(MiB + 1));
    await until(() => exceeded.length > 0);
    expect(exceeded[0]!.bytes).toBeGreaterThan(MiB);
  });

  it('sees too many entries', async () => {
    const exceeded = start();
    for (let i = 0; i < 12; i += 1) writeFileSync(join(dir.path, `f${i}`), 'x');
    await until(() => exceeded.length > 0);
    expect(exceeded[0]!.entries).toBeGreaterThan(10);
  });

  it('follows folders the job creates: writes deep below out/ raise events too', async () => {
    const exceeded = start();
    mkdirSync(join(dir.path, 'a'));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the new folder's watch is set up
    mkdirSync(join(dir.path, 'a', 'b'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(join(dir.path, 'a', 'b', 'small'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exceeded).toEqual([]);
    // An existing file grows: only a watch on a/b/ reports that.
    writeFileSync(join(dir.path, 'a', 'b', 'small'), Buffer.alloc(MiB + 1));
    await until(() => exceeded.length > 0);
    expect(exceeded[0]!.bytes).toBeGreaterThan(MiB);
  });

  it('reports once, then stops measuring', async () => {
    let measured = 0;
    const exceeded = start({
      measure: async () => {
        measured += 1;
        return { bytes: 2 * MiB, entries: 1 };
      },
      pollMs: 5,
    });
    await until(() => exceeded.length > 0);
    const after = measured;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exceeded).toHaveLength(1);
    expect(measured).toBe(after);
  });

  it('keeps at most one measurement in flight; events during one ask for exactly one more', async () => {
    let emit: (event: string, name: string | null) => void = () => undefined;
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const finish: Array<() => void> = [];
    start({
      watchDir: (_dir, onEvent) => {
        emit = onEvent;
        return { close: () => undefined };
      },
      measure: () => {
        calls += 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return new Promise<OutputUsage>((resolve) =>
          finish.push(() => {
            inFlight -= 1;
            resolve({ bytes: 0, entries: 0 });
          }),
        );
      },
    });
    for (let i = 0; i < 100; i += 1) emit('change', `f${i}`);
    expect(calls).toBe(1);
    finish.shift()!();
    await until(() => calls === 2);
    finish.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(2);
    expect(maxInFlight).toBe(1);
  });

  it('falls back to the poll when no watch can be set up', async () => {
    const { logger, entries } = recordingLogger();
    const exceeded = start({
      logger,
      pollMs: 20,
      watchDir: () => {
        throw Object.assign(new Error('inotify watch limit reached'), { code: 'ENOSPC' });
      },
    });
    writeFileSync(join(dir.path, 'big'), Buffer.alloc(MiB + 1));
    await until(() => exceeded.length > 0);
    expect(entries.some((e) => e.message === 'job: cannot watch an output folder')).toBe(true);
  });

  it('stop() closes every watch and the poll', async () => {
    const closed: string[] = [];
    let measured = 0;
    start({
      pollMs: 5,
      watchDir: (folder) => ({ close: () => closed.push(folder) }),
      measure: async () => {
        measured += 1;
        return { bytes: 0, entries: 0 };
      },
    });
    watch!.stop();
    const after = measured;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(closed).toEqual([dir.path]);
    expect(measured).toBe(after);
  });
});
