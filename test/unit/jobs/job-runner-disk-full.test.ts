/**
 * Found by the fault harness (the data dir's disk full for 10 s): the job's
 * `echo result > out/result.txt` failed on the full disk, the job exited 0 anyway, and an
 * empty result.txt was delivered and paid for. The runner samples the free space of the
 * workspace's file system while the job runs: a run during which our disk was full fails as
 * disk full (job_disk_full, a machine fault the market runs again), whatever its exit code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRentalSlots } from '../../../electron/agent/availability/rental-slots';
import { watchDiskFull } from '../../../electron/agent/jobs/disk-full-watch';
import { createJobRunner } from '../../../electron/agent/jobs/job-runner';
import { createFakeContainerRuntime, FAKE_ENGINE } from '../../fakes/fake-container-runtime';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;
const ROOM = 10 * 1024 ** 3;

describe('job runner: our disk full while the job ran', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  async function run(fullWhileRunning: boolean) {
    let free = ROOM;
    const fake = createFakeContainerRuntime({
      storedImages: [{ id: IMAGE_ID, repoDigests: [], repoTags: ['rigshift-test/job:local'], sizeBytes: 1, labels: {} }],
      script: { exit: { exitCode: 0, oomKilled: false } },
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
          if (fullWhileRunning) free = 0; // the job's write fails; room again a little later
          writeFileSync(join(out, 'result.txt'), '');
          setTimeout(() => (free = ROOM), 2_000).unref();
        },
      };
    };
    const { logger } = recordingLogger();
    const runner = createJobRunner({
      docker: fake,
      images: { ensure: async () => ({ imageId: IMAGE_ID, pulled: false }), markInUse: () => () => undefined },
      slots: createRentalSlots({ logger, graceMs: 50 }),
      dataDir: dir.path,
      clock: { now: () => new Date() },
      logger,
      history: { add: () => undefined },
      stopGraceSeconds: 0,
      outputPollMs: 20,
      diskFreeBytes: async () => free,
    });
    const record = await runner.run({
      jobId: 'job-1',
      spec: {
        version: 1,
        name: 'writes its result',
        image: `rigshift-test/job@${IMAGE_ID}`,
        command: ['/bin/sh', '-c', 'echo result > /workspace/out/result.txt'],
        inputs: [],
        outputs: { maxTotalBytes: 1024, maxFiles: 1 },
        resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 64, scratchMiB: 0 },
        maxDurationSeconds: 30,
        preemptible: false,
        network: 'none',
      },
      device: { kind: 'cpu' },
      engine: FAKE_ENGINE,
      preferGvisor: false,
      allowEgress: false,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      onLog: () => undefined,
    });
    return { record, fake };
  }

  it('fails as disk full even though the job exited 0, and leaves nothing behind', async () => {
    const { record, fake } = await run(true);
    expect(record.reason).toBe('failed');
    expect(record.error?.code).toBe('job_disk_full');
    expect(record.message).toMatch(/disk full: free space in /);
    expect(fake.live.size).toBe(0);
  });

  it('completes as before when there was room', async () => {
    const { record } = await run(false);
    expect(record.reason).toBe('completed');
  });

  it('the watch: any sample at (almost) no free space taints the run; an unreadable one says nothing', async () => {
    const samples = [ROOM, 1024, ROOM];
    const watch = watchDiskFull('/x', { intervalMs: 5, free: async () => samples.shift() ?? ROOM });
    await new Promise((r) => setTimeout(r, 40));
    expect(await watch.stop()).toBe(true);
    const quiet = watchDiskFull('/x', { intervalMs: 5, free: async () => Promise.reject(new Error('ENOENT')) });
    expect(await quiet.stop()).toBe(false);
  });
});
