/**
 * The runner arms the deadline watchdog (container-watchdog.ts) before the container
 * starts and releases it only after removing the container: at no moment does a stranger's
 * container run with nothing but this process to stop it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRentalSlots } from '../../../electron/agent/availability/rental-slots';
import { WATCHDOG_MARGIN_MS } from '../../../electron/agent/jobs/container-watchdog';
import { createJobRunner } from '../../../electron/agent/jobs/job-runner';
import { createFakeContainerRuntime, FAKE_ENGINE } from '../../fakes/fake-container-runtime';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;

describe('job runner and its watchdog', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  async function runWith(exit: { exitCode: number; oomKilled: boolean }) {
    const fake = createFakeContainerRuntime({
      storedImages: [{ id: IMAGE_ID, repoDigests: [], repoTags: ['rigshift-test/job:local'], sizeBytes: 1, labels: {} }],
      script: { exit },
    });
    const events: string[] = [];
    const create = fake.createContainer.bind(fake);
    fake.createContainer = async (options) => {
      const handle = await create(options);
      const start = handle.start.bind(handle);
      return { ...handle, start: async () => (events.push('start'), start()) };
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
      stopGraceSeconds: 2,
      outputPollMs: 20,
      watchdog: {
        guard: async (id, afterMs) => {
          events.push(`guard ${afterMs} live=${fake.live.has(id)}`);
          return () => events.push(`release live=${fake.live.size}`);
        },
      },
    });
    const record = await runner.run({
      jobId: 'job-1',
      spec: {
        version: 1,
        name: 'watched',
        image: `rigshift-test/job@${IMAGE_ID}`,
        command: ['/bin/sh', '-c', 'true'],
        inputs: [],
        outputs: { maxTotalBytes: 1024, maxFiles: 1 },
        resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 64, scratchMiB: 0 },
        maxDurationSeconds: 30,
        preemptible: true,
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
    return { record, events };
  }

  it('arms it before start for deadline + grace + margin, releases it after the removal', async () => {
    const { record, events } = await runWith({ exitCode: 0, oomKilled: false });
    expect(record.reason).toBe('completed');
    expect(events).toEqual([`guard ${30_000 + 2_000 + WATCHDOG_MARGIN_MS} live=true`, 'start', 'release live=0']);
  });

  it('releases it after a failed run too', async () => {
    const { record, events } = await runWith({ exitCode: 3, oomKilled: false });
    expect(record.reason).toBe('failed');
    expect(events.at(-1)).toBe('release live=0');
  });
});
