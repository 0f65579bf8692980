import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../../shared/api/result';
import type { JobLogLines, JobProgress, JobRecord, JobSpec } from '../../../shared/domain/job';
import { createRentalSlots, type RentalSlots } from '../../../electron/agent/availability/rental-slots';
import { createJobRunner, type JobRunnerDeps, type JobRunRequest } from '../../../electron/agent/jobs/job-runner';
import type { ContainerCreateOptions, ContainerHandle } from '../../../electron/agent/ports';
import {
  createFakeContainerRuntime,
  FAKE_ENGINE,
  type FakeContainerRuntime,
  type FakeRuntimeOptions,
} from '../../fakes/fake-container-runtime';
import { rtx4090 } from '../../fakes/fake-agent-deps';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;
const LOCAL_IMAGE = { id: IMAGE_ID, repoDigests: [], repoTags: ['rigshift-test/job:local'], sizeBytes: 1000, labels: {} };
const sha = (data: string) => createHash('sha256').update(data).digest('hex');

function spec(over: Partial<JobSpec> = {}): JobSpec {
  return {
    version: 1,
    name: 'unit job',
    image: `rigshift-test/job@${IMAGE_ID}`,
    command: ['/bin/sh', '-c', 'echo hi'],
    inputs: [],
    outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
    resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 0 },
    maxDurationSeconds: 60,
    preemptible: true,
    network: 'none',
    ...over,
  };
}

/** The host folder the container's /workspace/out is bound to. */
function outputsDirOf(create: ContainerCreateOptions): string {
  const mount = create.HostConfig?.Mounts?.find((m) => m.Target === '/workspace/out');
  if (!mount?.Source) throw new Error('no /workspace/out mount');
  return mount.Source;
}

/** Makes the fake container "do" something to its workspace when it starts, like a real job. */
function withJobEffect(fake: FakeContainerRuntime, effect: (outDir: string, handle: ContainerHandle) => Promise<void> | void) {
  const create = fake.createContainer.bind(fake);
  fake.createContainer = async (options) => {
    const handle = await create(options);
    const start = handle.start.bind(handle);
    return {
      ...handle,
      start: async () => {
        await start();
        await effect(outputsDirOf(options), handle);
      },
    };
  };
}

interface Harness {
  fake: FakeContainerRuntime;
  slots: RentalSlots;
  records: JobRecord[];
  progress: JobProgress[];
  logs: JobLogLines[];
  ensured: string[];
  released: number;
  run(over?: Partial<JobRunRequest>): Promise<JobRecord>;
}

describe('job runner', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  function harness(
    options: FakeRuntimeOptions = {},
    extra: { ensureError?: Error; fetch?: typeof fetch; egress?: boolean; runner?: Partial<JobRunnerDeps> } = {},
  ): Harness {
    const fake = createFakeContainerRuntime({ storedImages: [LOCAL_IMAGE], ...options });
    const { logger } = recordingLogger();
    const slots = createRentalSlots({ logger, graceMs: 50 });
    const h: Harness = {
      fake,
      slots,
      records: [],
      progress: [],
      logs: [],
      ensured: [],
      released: 0,
      run: (over = {}) =>
        runner.run({
          jobId: 'job-1',
          spec: spec(),
          device: { kind: 'cpu' },
          engine: FAKE_ENGINE,
          preferGvisor: false,
          allowEgress: false,
          signal: new AbortController().signal,
          onProgress: (p) => h.progress.push(p),
          onLog: (l) => h.logs.push(l),
          ...over,
        }),
    };
    const runner = createJobRunner({
      docker: fake,
      images: {
        async ensure(reference) {
          h.ensured.push(reference);
          if (extra.ensureError) throw extra.ensureError;
          return { imageId: `sha256:${'cd'.repeat(32)}`, pulled: true };
        },
        markInUse: () => () => {
          h.released += 1;
        },
      },
      slots,
      dataDir: dir.path,
      clock: { now: () => new Date() },
      logger,
      fetch: extra.fetch,
      history: { add: (r) => h.records.push(r) },
      stopGraceSeconds: 0,
      outputPollMs: 20,
      ...(extra.egress
        ? { egress: { create: async () => ({ networkName: 'rigshift-job-1', remove: async () => undefined }) } }
        : {}),
      ...extra.runner,
    });
    return h;
  }

  /** What must hold after every run, whatever its end. */
  function expectCleanedUp(h: Harness, jobId = 'job-1') {
    expect(h.fake.live.size).toBe(0);
    expect(h.slots.active()).toEqual([]);
    expect(existsSync(join(dir.path, 'jobs', jobId, 'in'))).toBe(false);
    expect(existsSync(join(dir.path, 'jobs', jobId, 'out'))).toBe(false);
  }

  it('completes a job: outputs hashed into results/, logs kept, container and workspace removed', async () => {
    const h = harness({ script: { stdout: ['hello', 'world'], stderr: ['warn'], exit: { exitCode: 0, oomKilled: false } } });
    withJobEffect(h.fake, (out) => {
      writeFileSync(join(out, 'a.txt'), 'alpha');
      writeFileSync(join(out, 'b.txt'), 'beta');
    });
    const record = await h.run();
    expect(record).toMatchObject({
      id: 'job-1',
      reason: 'completed',
      state: 'finished',
      exitCode: 0,
      runtime: 'runc',
      deviceId: 'cpu',
      network: 'none',
      outputs: [
        { name: 'a.txt', sizeBytes: 5, sha256: sha('alpha') },
        { name: 'b.txt', sizeBytes: 4, sha256: sha('beta') },
      ],
    });
    expect(record.message).toMatch(/^Completed in \d+ s with 2 output files\.$/);
    expect(record.error).toBeUndefined();
    expect(record.timings.startedAt).not.toBeNull();
    expect(record.logs.bytesKept).toBe('hello\nworld\nwarn\n'.length);
    expect(readFileSync(join(dir.path, 'jobs', 'job-1', 'results', 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(dir.path, 'jobs', 'job-1.log'), 'utf8')).toBe('out| hello\nout| world\nerr| warn\n');
    expect(h.logs.flatMap((l) => l.lines.map((x) => x.text))).toEqual(['hello', 'world', 'warn']);
    expect(h.records).toEqual([record]);
    expect(h.progress.map((p) => p.state)).toEqual(expect.arrayContaining(['preparing', 'pulling', 'running', 'collecting', 'finished']));
    // Local image found by id: no pull, and the container is created from the id itself.
    expect(h.ensured).toEqual([]);
    expect(h.fake.created[0]?.Image).toBe(IMAGE_ID);
    expect(h.fake.created[0]?.Labels?.['io.rigshift.job-id']).toBe('job-1');
    expect(h.fake.created[0]?.Labels?.['io.rigshift.owner-pid']).toBe(String(process.pid));
    expectCleanedUp(h);
    expect(h.released).toBe(1);
  });

  it('pulls through the image cache when no local image has the digest as id', async () => {
    const h = harness({ storedImages: [] });
    const record = await h.run();
    expect(record.reason).toBe('completed');
    expect(h.ensured).toEqual([`rigshift-test/job@${IMAGE_ID}`]);
    expect(h.fake.created[0]?.Image).toBe(`sha256:${'cd'.repeat(32)}`);
  });

  it('does not accept a local image with the digest as id but another name', async () => {
    const h = harness({ storedImages: [{ ...LOCAL_IMAGE, repoTags: ['someone/else:latest'] }] });
    await h.run();
    expect(h.ensured).toHaveLength(1);
  });

  it('records runsc when gVisor is preferred and registered, runc otherwise', async () => {
    const h = harness();
    expect((await h.run({ preferGvisor: true })).runtime).toBe('runsc');
    expect(h.fake.created[0]?.HostConfig?.Runtime).toBe('runsc');
    expect((await h.run({ preferGvisor: true, engine: { ...FAKE_ENGINE, runtimes: ['runc'] } })).runtime).toBe('runc');
  });

  it('fails a non-zero exit with the last stderr line', async () => {
    const h = harness({ script: { stderr: ['boom: no such file'], exit: { exitCode: 3, oomKilled: false } } });
    const record = await h.run();
    expect(record).toMatchObject({ reason: 'failed', exitCode: 3, error: { code: 'job_exit_nonzero' } });
    expect(record.message).toMatch(/Exited with code 3 after \d+ s: boom: no such file/);
    expect(record.outputs).toEqual([]);
    expectCleanedUp(h);
  });

  it('reports a silent, early exit 2 under runsc as the gVisor sandbox failing, not the job', async () => {
    const h = harness({ script: { exit: { exitCode: 2, oomKilled: false } } });
    const record = await h.run({ preferGvisor: true });
    expect(record).toMatchObject({ reason: 'failed', runtime: 'runsc', exitCode: 2, error: { code: 'job_sandbox_failed' } });
    expect(record.message).toMatch(/^The gVisor sandbox failed to start the job \(exit 2, no output after \d+ s\)/);
    expectCleanedUp(h);
  });

  const exit2 = { exitCode: 2, oomKilled: false };
  /** Each reading 10 s after the last: the job "runs" for well past the sandbox-failure window. */
  const slowClock = () => ({ now: ((t = 0) => () => new Date((t += 10_000)))() });
  it.each([
    ['under runc', { exit: exit2 }, false, {}],
    ['after the job printed something', { stdout: ['usage: train.py'], exit: exit2 }, true, {}],
    ['after its first seconds', { exit: exit2 }, true, { clock: slowClock() }],
  ])('keeps an exit 2 %s as the job\'s own failure', async (_what, script, preferGvisor, runner) => {
    const h = harness({ script }, { runner });
    const record = await h.run({ preferGvisor });
    expect(record).toMatchObject({ reason: 'failed', error: { code: 'job_exit_nonzero' } });
    expect(record.message).toMatch(/^Exited with code \d after/);
  });

  it('reports an OOM kill as oom', async () => {
    const h = harness({ script: { exit: { exitCode: 137, oomKilled: true } } });
    const record = await h.run();
    expect(record).toMatchObject({ reason: 'oom', exitCode: 137 });
    expect(record.message).toMatch(/Ran out of memory \(256 MiB\)/);
    expectCleanedUp(h);
  });

  it('stops a job at its deadline: timed-out', async () => {
    const h = harness({ script: { runUntilStopped: true } });
    const record = await h.run({ spec: spec({ maxDurationSeconds: 1 }) });
    expect(record.reason).toBe('timed-out');
    expect(record.message).toMatch(/Ran past its 1 s limit/);
    expect(h.fake.methods()).toContain('stop');
    expect(record.timings.runMs).toBeGreaterThanOrEqual(900);
    expectCleanedUp(h);
  });

  it('reports preempted when the owner takes the device back mid-run', async () => {
    const h = harness({ script: { runUntilStopped: true } });
    const pending = h.run();
    await h.fake.started;
    expect(h.slots.isRenting('cpu')).toBe(true);
    await h.slots.yieldDevice('cpu');
    const record = await pending;
    expect(record.reason).toBe('preempted');
    expect(record.message).toMatch(/the owner took the device back/);
    expectCleanedUp(h);
  });

  it('reports preempted when the device is taken back during start', async () => {
    const h = harness();
    const create = h.fake.createContainer.bind(h.fake);
    h.fake.createContainer = async (options) => {
      const handle = await create(options);
      return {
        ...handle,
        start: async () => {
          // The slot is already tracked: the yield kills and removes the container mid-start.
          await h.slots.yieldDevice('cpu');
          throw new AgentError('container_start_failed', 'Could not start the container: No such container');
        },
      };
    };
    const record = await h.run();
    expect(record.reason).toBe('preempted');
    expectCleanedUp(h);
  });

  it('cancels a running job on abort', async () => {
    const h = harness({ script: { runUntilStopped: true } });
    const abort = new AbortController();
    const pending = h.run({ signal: abort.signal });
    await h.fake.started;
    abort.abort();
    const record = await pending;
    expect(record.reason).toBe('cancelled');
    expectCleanedUp(h);
  });

  it('cancels before anything runs when already aborted', async () => {
    const h = harness();
    const abort = new AbortController();
    abort.abort();
    const record = await h.run({ signal: abort.signal });
    expect(record.reason).toBe('cancelled');
    expect(h.fake.created).toEqual([]);
    expectCleanedUp(h);
  });

  it('kills a job that writes more than the output limit, on the first change in out/', async () => {
    // The poll would first measure after a minute, the deadline after 60 s: only the watch can stop it.
    const h = harness({ script: { runUntilStopped: true } }, { runner: { outputPollMs: 60_000 } });
    withJobEffect(h.fake, (out) => {
      for (let i = 0; i < 20; i += 1) writeFileSync(join(out, `f${i}`), 'x');
    });
    const record = await h.run();
    expect(record.reason).toBe('failed');
    expect(record.message).toMatch(/wrote more than the output limit/);
    expect(h.fake.calls).toContainEqual({ method: 'kill', args: ['fake1', 'SIGKILL'] });
    expectCleanedUp(h);
  });

  it('skips and reports links among the outputs', async () => {
    const h = harness();
    withJobEffect(h.fake, (out) => {
      writeFileSync(join(out, 'real'), 'data');
      mkdirSync(join(out, 'folder'));
    });
    const record = await h.run();
    expect(record.reason).toBe('completed');
    expect(record.outputs.map((o) => o.name)).toEqual(['real']);
    expect(record.message).toMatch(/Skipped folder \(a folder\)/);
  });

  it('fails an image that never starts with the engine message', async () => {
    const engineMessage = 'Could not start the container: exec: "/nope": stat /nope: no such file or directory';
    const h = harness({ startError: new AgentError('container_start_failed', engineMessage) });
    const record = await h.run();
    expect(record).toMatchObject({ reason: 'failed', runtime: null, error: { code: 'job_start_failed' } });
    expect(record.message).toContain('no such file or directory');
    expectCleanedUp(h);
  });

  it('reports an entrypoint that init cannot exec as an image that could not start', async () => {
    const h = harness({
      script: { stderr: ['[FATAL tini (7)] exec /nope failed: No such file or directory'], exit: { exitCode: 127, oomKilled: false } },
    });
    const record = await h.run();
    expect(record).toMatchObject({ reason: 'failed', error: { code: 'job_start_failed' } });
    expect(record.message).toBe("The job's image could not start: exec /nope failed: No such file or directory");
  });

  it('refuses when the engine refuses to create the container', async () => {
    const h = harness({ createError: new AgentError('container_create_failed', 'bad runtime') });
    const record = await h.run();
    expect(record.reason).toBe('refused');
    expect(record.message).toMatch(/bad runtime/);
    expectCleanedUp(h);
  });

  it('refuses an image the cache cannot provide', async () => {
    const h = harness({ storedImages: [] }, { ensureError: new AgentError('image_digest_mismatch', 'the digest does not match') });
    const record = await h.run();
    expect(record).toMatchObject({ reason: 'refused', error: { code: 'job_image_failed' } });
    expect(record.message).toMatch(/digest does not match/);
    expect(h.fake.created).toEqual([]);
    expect(h.released).toBe(1);
    expectCleanedUp(h);
  });

  it('fails a job whose input does not match its hash, before any container exists', async () => {
    const served = 'not what was promised';
    const fakeFetch = (async () => new Response(served, { headers: { 'content-length': String(served.length) } })) as typeof fetch;
    const h = harness({}, { fetch: fakeFetch });
    const record = await h.run({
      spec: spec({ inputs: [{ name: 'in.txt', url: 'https://inputs.example/in.txt', sha256: 'a'.repeat(64), sizeBytes: served.length }] }),
    });
    expect(record).toMatchObject({ reason: 'failed', error: { code: 'job_input_failed' } });
    expect(record.message).toMatch(/does not match its sha256/);
    expect(h.fake.created).toEqual([]);
    expectCleanedUp(h);
  });

  it('hands verified inputs to the container read-only', async () => {
    const served = 'good input';
    const fakeFetch = (async () => new Response(served, { headers: { 'content-length': String(served.length) } })) as typeof fetch;
    const h = harness({}, { fetch: fakeFetch });
    let seen = '';
    withJobEffect(h.fake, (out) => {
      seen = readFileSync(join(out, '..', 'in', 'in.txt'), 'utf8');
    });
    const record = await h.run({
      spec: spec({ inputs: [{ name: 'in.txt', url: 'https://inputs.example/in.txt', sha256: sha(served), sizeBytes: served.length }] }),
    });
    expect(record.reason).toBe('completed');
    expect(seen).toBe(served);
    const inputsMount = h.fake.created[0]?.HostConfig?.Mounts?.find((m) => m.Target === '/workspace/in');
    expect(inputsMount?.ReadOnly).toBe(true);
  });

  describe('refuses early', () => {
    const cases: Array<[string, Partial<JobRunRequest>, RegExp]> = [
      ['a GPU job on the CPU', { spec: spec({ resources: { ...spec().resources, gpus: 1 } }) }, /needs a GPU/],
      ['a CPU job on a GPU', { device: { kind: 'gpu', gpu: rtx4090 } }, /needs no GPU/],
      [
        'more VRAM than the card has',
        { device: { kind: 'gpu', gpu: rtx4090 }, spec: spec({ resources: { ...spec().resources, gpus: 1, minVramMiB: 48_000 } }) },
        /48000 MiB of VRAM; NVIDIA GeForce RTX 4090 has 24564 MiB/,
      ],
      ['egress the owner did not allow', { spec: spec({ network: 'egress' }) }, /internet access, which the owner has not allowed/],
      ['a spec the validator refuses', { spec: { ...spec(), env: { LD_PRELOAD: '/x.so' } } }, /The job spec was refused: .*LD_PRELOAD/],
      ['a job id that is not a plain name', { jobId: '../escape' }, /job id/],
    ];
    it.each(cases)('%s', async (_name, over, message) => {
      const h = harness();
      const record = await h.run(over);
      expect(record.reason).toBe('refused');
      expect(record.message).toMatch(message);
      expect(h.fake.created).toEqual([]);
      expect(existsSync(join(dir.path, 'jobs', 'job-1'))).toBe(false);
    });

    it('a second job on a device that is already renting', async () => {
      const h = harness({ script: { runUntilStopped: true } });
      const abort = new AbortController();
      const first = h.run({ signal: abort.signal });
      await h.fake.started;
      const second = await h.run({ jobId: 'job-2' });
      expect(second.reason).toBe('refused');
      expect(second.message).toMatch(/already running/);
      abort.abort();
      expect((await first).reason).toBe('cancelled');
    });
  });

  it('runs an egress job on the network the agent creates when the owner allows it', async () => {
    const h = harness({}, { egress: true });
    const record = await h.run({ spec: spec({ network: 'egress' }), allowEgress: true });
    expect(record.reason).toBe('completed');
    expect(h.fake.created[0]?.HostConfig?.NetworkMode).toBe('rigshift-job-1');
  });
});
