import { describe, expect, it } from 'vitest';
import { createAgent } from '../../../electron/agent/agent';
import type { JobRunner, JobRunRequest } from '../../../electron/agent/jobs/job-runner';
import type { JobRecord, JobSpec } from '../../../shared/domain/job';
import type { AgentEvent } from '../../../shared/api/contract';
import type { ChecksReport } from '../../../shared/domain/checks';
import { checksOf, detectionOf, fakeAgentDeps, memoryJsonlHistory, rtx4090 } from '../../fakes/fake-agent-deps';

const spec = (gpus: number): JobSpec => ({
  version: 1,
  name: 'unit job',
  image: `rigshift-test/job@sha256:${'a'.repeat(64)}`,
  inputs: [],
  outputs: { maxTotalBytes: 1024, maxFiles: 1 },
  resources: { gpus, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 0 },
  maxDurationSeconds: 60,
  preemptible: true,
  network: 'none',
});

/** A runner that reports progress and a log line, then ends when told (or on cancel). */
function scriptedRunner() {
  const requests: JobRunRequest[] = [];
  let end: (reason: JobRecord['reason']) => void = () => undefined;
  const runner: JobRunner = {
    run: (req) =>
      new Promise((resolve) => {
        requests.push(req);
        const finish = (reason: JobRecord['reason']) =>
          resolve({
            id: req.jobId, name: req.spec.name, image: req.spec.image, deviceId: req.device.kind === 'gpu' ? req.device.gpu.uuid : 'cpu',
            runtime: 'runc', network: 'none', preemptible: true, state: 'finished', reason, exitCode: reason === 'completed' ? 0 : null,
            message: String(reason), timings: { createdAt: '', startedAt: null, finishedAt: null, prepareMs: null, runMs: null },
            outputs: [], logs: { bytesKept: 6, bytesDropped: 0 },
          });
        end = finish;
        req.signal.addEventListener('abort', () => finish('cancelled'));
        req.onProgress({ jobId: req.jobId, state: 'running', label: 'Running 0:01', fraction: null });
        req.onLog({ jobId: req.jobId, lines: [{ stream: 'stdout', text: 'hello' }] });
      }),
  };
  return { runner, requests, end: (reason: JobRecord['reason']) => end(reason) };
}

function agentWith(checks: ChecksReport) {
  const scripted = scriptedRunner();
  const history = memoryJsonlHistory<JobRecord>();
  const { deps } = fakeAgentDeps({
    gpuProbe: { detect: async () => detectionOf([rtx4090]), streamTelemetry: () => ({ stop() {} }) },
    runChecks: async () => checks,
    jobs: { runner: scripted.runner, history, dataDir: '/nonexistent' },
  });
  return { agent: createAgent(deps), scripted, history };
}

describe('agent jobs', () => {
  it('runs a job, pushes its progress, logs and record, and serves them to the Jobs page', async () => {
    const { agent, scripted } = agentWith(checksOf(true));
    const events: AgentEvent[] = [];
    agent.onEvent((e) => events.push(e));
    await agent.start();
    await agent.settled();
    const { jobId, done } = await agent.startJob(spec(1), rtx4090.uuid);
    expect(scripted.requests[0]?.device).toEqual({ kind: 'gpu', gpu: rtx4090 });
    expect(agent.snapshot().jobs.active[0]).toMatchObject({ id: jobId, state: 'running' });
    expect(await agent.call('getJobLogs', { jobId })).toEqual({ ok: true, value: { jobId, lines: [{ stream: 'stdout', text: 'hello' }] } });
    scripted.end('completed');
    await done;
    expect(agent.snapshot().jobs.active).toEqual([]);
    expect(events.map((e) => e.name).filter((n) => n.startsWith('job'))).toEqual(['jobStarted', 'jobProgress', 'jobLog', 'jobFinished']);
  });

  it('lets the owner cancel a running job', async () => {
    const { agent } = agentWith(checksOf(true));
    await agent.start();
    await agent.settled();
    const { jobId, done } = await agent.startJob(spec(0), 'cpu');
    expect(await agent.call('cancelJob', { jobId })).toEqual({ ok: true, value: { cancelled: true } });
    expect((await done).reason).toBe('cancelled');
    expect(await agent.call('cancelJob', { jobId })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('refuses GPU jobs when the checklist blocks them (a vulnerable toolkit), naming the check', async () => {
    const blocked: ChecksReport = {
      checks: [{ id: 'nvidia-container-runtime', title: 'NVIDIA Container Toolkit', state: 'fail', summary: 'Toolkit 1.17.3 has CVE-2025-23359' }],
      gpuJobsAllowed: false,
      checkedAt: new Date(0).toISOString(),
    };
    const { agent, scripted } = agentWith(blocked);
    await agent.start();
    await agent.settled();
    await expect(agent.startJob(spec(1), rtx4090.uuid)).rejects.toThrow(/NVIDIA Container Toolkit — Toolkit 1\.17\.3 has CVE-2025-23359/);
    expect(scripted.requests).toHaveLength(0);
    // CPU jobs do not depend on the GPU path.
    await agent.startJob(spec(0), 'cpu');
    expect(scripted.requests).toHaveLength(1);
  });
});

describe('job image budget', () => {
  it('evicts job images when the owner lowers the budget, not when raising it', async () => {
    let evictions = 0;
    const { deps } = fakeAgentDeps({
      jobs: { runner: scriptedRunner().runner, history: memoryJsonlHistory<JobRecord>(), dataDir: '/nonexistent', evictImages: async () => void (evictions += 1) },
    });
    const agent = createAgent(deps);
    expect((await agent.call('updateSettings', { patch: { jobs: { imageBudgetGiB: 80 } } })).ok).toBe(true);
    expect(evictions).toBe(0);
    expect((await agent.call('updateSettings', { patch: { jobs: { imageBudgetGiB: 10 } } })).ok).toBe(true);
    expect(evictions).toBe(1);
    expect(await agent.call('updateSettings', { patch: { jobs: { imageBudgetGiB: 0 } } })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});

describe('logs of finished jobs', () => {
  it('reads the kept log back from the data dir, and never a path the renderer makes up', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { formatKeptLog } = await import('../../../electron/agent/jobs/log-capture');
    const { tempDir } = await import('../../helpers/temp-dir');
    const dir = tempDir();
    try {
      mkdirSync(join(dir.path, 'jobs'));
      const lines = [
        { stream: 'stdout' as const, text: 'frame 1 | done' },
        { stream: 'stderr' as const, text: 'warning: slow' },
        { stream: 'stdout' as const, text: 'frame 2' },
      ];
      writeFileSync(join(dir.path, 'jobs', 'job-7.log'), formatKeptLog(lines));
      writeFileSync(join(dir.path, 'secret.log'), 'out| not a job log\n');
      const { deps } = fakeAgentDeps({
        jobs: { runner: scriptedRunner().runner, history: memoryJsonlHistory<JobRecord>(), dataDir: dir.path },
      });
      const agent = createAgent(deps);
      expect(await agent.call('getJobLogs', { jobId: 'job-7' })).toEqual({ ok: true, value: { jobId: 'job-7', lines } });
      expect(await agent.call('getJobLogs', { jobId: 'job-7', tail: 1 })).toEqual({ ok: true, value: { jobId: 'job-7', lines: [lines[2]] } });
      expect(await agent.call('getJobLogs', { jobId: '../secret' })).toEqual({ ok: true, value: { jobId: '../secret', lines: [] } });
    } finally {
      dir.cleanup();
    }
  });
});
