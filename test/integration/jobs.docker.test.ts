/**
 * The job runner against the real Docker engine, with a busybox image built here (no
 * registry): every end reason, and after each job no container, workspace or slot left.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobLogLines, JobRecord, JobSpec } from '../../shared/domain/job';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import type { JobRunRequest } from '../../electron/agent/jobs/job-runner';
import { createNodeJobRunner } from '../../electron/agent/jobs/node-job-runner';
import type { EngineInfo } from '../../electron/agent/ports';
import { buildJobTestImage, busyboxAvailable, type JobTestImage } from '../helpers/job-images';
import { dockerEngine, need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

const ready = need(dockerEngine()) && need(busyboxAvailable());
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function containersOfJob(jobId: string): Promise<string[]> {
  const list = await new Docker().listContainers({ all: true, filters: { label: [`io.rigshift.job-id=${jobId}`] } });
  return list.map((c) => c.Id);
}

describe.skipIf(!ready)('job runner (real Docker engine)', () => {
  const docker = createDockerodeRuntime();
  let image: JobTestImage;
  let engine: EngineInfo;
  let dir: ReturnType<typeof tempDir>;
  let jobCounter = 0;

  beforeAll(async () => {
    image = buildJobTestImage();
    engine = await docker.info();
  });
  afterAll(() => image?.remove());
  afterEach(() => dir?.cleanup());

  function spec(script: string, over: Partial<JobSpec> = {}): JobSpec {
    return {
      version: 1,
      name: 'integration job',
      image: image.reference,
      entrypoint: ['/bin/sh', '-c'],
      command: [script],
      inputs: [],
      outputs: { maxTotalBytes: 1024 * 1024, maxFiles: 10 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 128, scratchMiB: 0 },
      maxDurationSeconds: 30,
      preemptible: true,
      network: 'none',
      ...over,
    };
  }

  async function run(
    jobSpec: JobSpec,
    over: Partial<JobRunRequest> = {},
    during?: (ctx: { slots: ReturnType<typeof createNodeJobRunner>['slots'] }) => Promise<void>,
  ): Promise<{ record: JobRecord; logs: JobLogLines[]; dataDir: string }> {
    dir = tempDir('rigshift-jobs-');
    const { runner, slots } = createNodeJobRunner({ dataDir: dir.path, logger: recordingLogger().logger, docker });
    const jobId = `it-${process.pid}-${(jobCounter += 1)}`;
    const logs: JobLogLines[] = [];
    const pending = runner.run({
      jobId,
      spec: jobSpec,
      device: { kind: 'cpu' },
      engine,
      preferGvisor: false,
      allowEgress: false,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      onLog: (l) => logs.push(l),
      ...over,
    });
    if (during) await during({ slots });
    const record = await pending;
    // Whatever the end: nothing left behind.
    expect(await containersOfJob(jobId)).toEqual([]);
    expect(slots.active()).toEqual([]);
    expect(existsSync(join(dir.path, 'jobs', jobId, 'in'))).toBe(false);
    expect(existsSync(join(dir.path, 'jobs', jobId, 'out'))).toBe(false);
    return { record, logs, dataDir: dir.path };
  }

  const twoOutputs = 'echo started; printf alpha > /workspace/out/a.txt; printf beta > /workspace/out/b.txt; echo done >&2';

  it.each(['runc', 'runsc'] as const)('completes a job with two outputs and their sha256 (%s)', async (runtime) => {
    if (runtime === 'runsc' && !need({ ok: engine.runtimes.includes('runsc'), reason: 'runsc is not registered with the engine' })) return;
    const { record, logs, dataDir } = await run(spec(twoOutputs), { preferGvisor: runtime === 'runsc' });
    expect(record).toMatchObject({
      reason: 'completed',
      exitCode: 0,
      runtime,
      outputs: [
        { name: 'a.txt', sizeBytes: 5, sha256: sha('alpha') },
        { name: 'b.txt', sizeBytes: 4, sha256: sha('beta') },
      ],
    });
    expect(logs.flatMap((l) => l.lines.map((x) => x.text)).sort()).toEqual(['done', 'started']);
    expect(readFileSync(join(dataDir, 'jobs', record.id, 'results', 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(dataDir, 'jobs', `${record.id}.log`), 'utf8')).toContain('out| started');
    expect(readFileSync(join(dataDir, 'jobs.jsonl'), 'utf8')).toContain(record.id);
  });

  it('stops a job at its deadline: timed-out', async () => {
    const { record } = await run(spec('sleep 30', { maxDurationSeconds: 2 }));
    expect(record.reason).toBe('timed-out');
    expect(record.timings.runMs).toBeGreaterThanOrEqual(1900);
    expect(record.timings.runMs).toBeLessThan(10_000);
  });

  it('reports a job killed by its memory limit as oom', async () => {
    const { record } = await run(spec('head -c 200m /dev/zero | tail', { resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 64, scratchMiB: 0 } }));
    expect(record.reason).toBe('oom');
    expect(record.message).toMatch(/Ran out of memory \(64 MiB\)/);
  });

  it('reports preempted when the device is yielded mid-run', async () => {
    const { record } = await run(spec('echo running; sleep 30'), {}, async ({ slots }) => {
      const deadline = Date.now() + 15_000;
      while (!slots.isRenting('cpu') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500)); // let it really start
      const outcome = await slots.yieldDevice('cpu');
      expect(outcome).not.toBeNull();
    });
    expect(record.reason).toBe('preempted');
  });

  it('kills a job that writes more than the output limit', async () => {
    const { record } = await run(spec('i=0; while true; do i=$((i+1)); echo x > /workspace/out/f$i; done', { outputs: { maxFiles: 50, maxTotalBytes: 1024 * 1024 } }));
    expect(record.reason).toBe('failed');
    expect(record.message).toMatch(/wrote more than the output limit/);
  });

  it('fails an image that never starts, with the engine message', async () => {
    const { record } = await run(spec('', { entrypoint: ['/no/such/binary'], command: [] }));
    expect(record).toMatchObject({ reason: 'failed', error: { code: 'job_start_failed' } });
    expect(record.message).toMatch(/could not start.*\/no\/such\/binary.*no such file/i);
  });

  it('cancels a running job on abort', async () => {
    const abort = new AbortController();
    const { record } = await run(spec('sleep 30'), { signal: abort.signal }, async ({ slots }) => {
      while (!slots.isRenting('cpu')) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      abort.abort();
    });
    expect(record.reason).toBe('cancelled');
  });
});
