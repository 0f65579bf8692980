/**
 * A run stopped early keeps what it wrote as its checkpoint when the request asks for it
 * (keepCheckpoint: a market v2 preemptible job, whose release pays time served against the
 * checkpoint's digest): taken back by the owner (a game, a pause) or cancelled ("give it
 * back"), the files under out/ are collected and hashed exactly like a finished run's.
 * Without the request a stopped run has no outputs, as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRentalSlots } from '../../../electron/agent/availability/rental-slots';
import { createJobRunner } from '../../../electron/agent/jobs/job-runner';
import { createFakeContainerRuntime, FAKE_ENGINE } from '../../fakes/fake-container-runtime';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;
const sha = (data: string) => createHash('sha256').update(data).digest('hex');

describe('job runner: the checkpoint of a stopped run', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  /** A job that writes step-1.txt and runs until stopped; `stop` ends it. */
  async function stoppedRun(stop: 'yield' | 'cancel', keepCheckpoint: boolean) {
    const fake = createFakeContainerRuntime({
      storedImages: [{ id: IMAGE_ID, repoDigests: [], repoTags: ['rigshift-test/job:local'], sizeBytes: 1, labels: {} }],
      script: { runUntilStopped: true },
    });
    const create = fake.createContainer.bind(fake);
    fake.createContainer = async (options) => {
      const handle = await create(options);
      const out = options.HostConfig?.Mounts?.find((m) => m.Target === '/workspace/out')?.Source ?? '';
      const start = handle.start.bind(handle);
      return {
        ...handle,
        start: async () => {
          await start();
          writeFileSync(join(out, 'step-1.txt'), 'half done');
        },
      };
    };
    const { logger } = recordingLogger();
    const slots = createRentalSlots({ logger, graceMs: 50 });
    const runner = createJobRunner({
      docker: fake,
      images: { ensure: async () => ({ imageId: IMAGE_ID, pulled: false }), markInUse: () => () => undefined },
      slots,
      dataDir: dir.path,
      clock: { now: () => new Date() },
      logger,
      history: { add: () => undefined },
      stopGraceSeconds: 0,
      outputPollMs: 20,
    });
    const abort = new AbortController();
    const pending = runner.run({
      jobId: 'job-1',
      spec: {
        version: 1,
        name: 'long job',
        image: `rigshift-test/job@${IMAGE_ID}`,
        command: ['/bin/sh', '-c', 'echo half done > /workspace/out/step-1.txt; sleep 600'],
        inputs: [],
        outputs: { maxTotalBytes: 1024, maxFiles: 2 },
        resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 64, scratchMiB: 0 },
        maxDurationSeconds: 600,
        preemptible: true,
        network: 'none',
      },
      device: { kind: 'cpu' },
      engine: FAKE_ENGINE,
      preferGvisor: false,
      allowEgress: false,
      signal: abort.signal,
      onProgress: () => undefined,
      onLog: () => undefined,
      ...(keepCheckpoint ? { keepCheckpoint } : {}),
    });
    await fake.started;
    if (stop === 'yield') await slots.yieldDevice('cpu');
    else abort.abort();
    return pending;
  }

  it('keeps what a run taken back by the owner wrote, hashed like a result', async () => {
    const record = await stoppedRun('yield', true);
    expect(record.reason).toBe('preempted');
    expect(record.outputs).toEqual([{ name: 'step-1.txt', sizeBytes: 9, sha256: sha('half done') }]);
    expect(readFileSync(join(dir.path, 'jobs', 'job-1', 'results', 'step-1.txt'), 'utf8')).toBe('half done');
    expect(existsSync(join(dir.path, 'jobs', 'job-1', 'out'))).toBe(false);
  });

  it('keeps what a cancelled run wrote', async () => {
    const record = await stoppedRun('cancel', true);
    expect(record.reason).toBe('cancelled');
    expect(record.outputs.map((o) => o.name)).toEqual(['step-1.txt']);
  });

  it('keeps nothing of a stopped run unless asked', async () => {
    const record = await stoppedRun('yield', false);
    expect(record.reason).toBe('preempted');
    expect(record.outputs).toEqual([]);
    expect(existsSync(join(dir.path, 'jobs', 'job-1', 'results', 'step-1.txt'))).toBe(false);
  });
});
