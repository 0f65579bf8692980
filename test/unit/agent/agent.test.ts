import { describe, expect, it } from 'vitest';
import { createAgent } from '../../../electron/agent/agent';
import type { AgentEvent } from '../../../shared/api/contract';
import { SnapshotSchema } from '../../../shared/domain/snapshot';
import { checksOf, detectionOf, fakeAgentDeps, rtx4090 } from '../../fakes/fake-agent-deps';

describe('createAgent', () => {
  it('answers a valid snapshot before detection has finished, then pushes the results as events', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { deps } = fakeAgentDeps({
      gpuProbe: { detect: async () => (await gate, detectionOf([rtx4090])), streamTelemetry: () => ({ stop() {} }) },
      runChecks: async () => checksOf(true),
    });
    const agent = createAgent(deps);
    const events: AgentEvent[] = [];
    agent.onEvent((e) => events.push(e));
    await agent.start();
    const early = SnapshotSchema.parse(agent.snapshot());
    expect(early.detection).toBeNull();
    expect(early.detecting).toBe(true);
    release();
    await agent.settled();
    expect(agent.snapshot().detection?.gpus[0]?.uuid).toBe(rtx4090.uuid);
    expect(agent.snapshot().checks?.gpuJobsAllowed).toBe(true);
    expect(events.map((e) => e.name).filter((n) => n !== 'availability')).toEqual([
      'detecting',
      'detection',
      'detecting',
      'checks',
      'checks',
    ]);
  });

  it('benchmarks the CPU on auto when there is no NVIDIA GPU', async () => {
    const { deps, runner } = fakeAgentDeps();
    const agent = createAgent(deps);
    await agent.start();
    await agent.settled();
    const started = await agent.call('startBenchmark', { target: { kind: 'auto' } });
    expect(started.ok).toBe(true);
    expect(runner.requests[0]?.target).toEqual({ kind: 'cpu' });
    runner.finish();
  });

  it('benchmarks the GPU on auto when it is usable, and the CPU when the checks block GPU jobs', async () => {
    for (const allowed of [true, false]) {
      const { deps, runner } = fakeAgentDeps({
        gpuProbe: { detect: async () => detectionOf([rtx4090]), streamTelemetry: () => ({ stop() {} }) },
        runChecks: async () => checksOf(allowed),
      });
      const agent = createAgent(deps);
      await agent.start();
      await agent.settled();
      await agent.call('startBenchmark', { target: { kind: 'auto' } });
      expect(runner.requests[0]?.target.kind).toBe(allowed ? 'gpu' : 'cpu');
      runner.finish();
    }
  });

  it('refuses an explicit GPU run the checks do not allow, with the fix as a hint', async () => {
    const { deps } = fakeAgentDeps({
      gpuProbe: { detect: async () => detectionOf([rtx4090]), streamTelemetry: () => ({ stop() {} }) },
    });
    const agent = createAgent(deps);
    await agent.start();
    await agent.settled();
    const result = await agent.call('startBenchmark', { target: { kind: 'gpu', gpuUuid: rtx4090.uuid } });
    expect(result).toMatchObject({ ok: false, error: { code: 'gpu_not_ready' } });
    const unknown = await agent.call('startBenchmark', { target: { kind: 'gpu', gpuUuid: 'GPU-nope' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'gpu_not_found' } });
  });

  it('runs one benchmark at a time, tracks progress, stores the result and emits it', async () => {
    const { deps, runner } = fakeAgentDeps();
    const agent = createAgent(deps);
    const events: AgentEvent[] = [];
    agent.onEvent((e) => events.push(e));
    await agent.start();
    const first = await agent.call('startBenchmark', { target: { kind: 'cpu' } });
    expect(first.ok).toBe(true);
    const second = await agent.call('startBenchmark', { target: { kind: 'cpu' } });
    expect(second).toMatchObject({ ok: false, error: { code: 'benchmark_running' } });
    expect(agent.snapshot().benchmark.active?.fraction).toBe(0.5);
    runner.finish('completed');
    await new Promise((r) => setTimeout(r, 0));
    expect(agent.snapshot().benchmark.active).toBeNull();
    expect(agent.snapshot().benchmark.history[0]?.status).toBe('completed');
    expect(events.some((e) => e.name === 'benchmarkFinished')).toBe(true);
  });

  it('cancels a running benchmark and reports a cancelled result', async () => {
    const { deps } = fakeAgentDeps();
    const agent = createAgent(deps);
    await agent.start();
    const started = await agent.call('startBenchmark', { target: { kind: 'cpu' } });
    const runId = started.ok ? (started.value as { runId: string }).runId : '';
    expect(await agent.call('cancelBenchmark', { runId: 'someone-else' })).toEqual({ ok: true, value: { cancelled: false } });
    expect(await agent.call('cancelBenchmark', { runId })).toEqual({ ok: true, value: { cancelled: true } });
    expect(agent.snapshot().benchmark.history[0]?.status).toBe('cancelled');
  });

  it('saves settings changes and pushes them', async () => {
    const { deps } = fakeAgentDeps();
    const agent = createAgent(deps);
    const events: AgentEvent[] = [];
    agent.onEvent((e) => events.push(e));
    const result = await agent.call('updateSettings', { patch: { ui: { theme: 'dark' } } });
    expect(result).toMatchObject({ ok: true, value: { ui: { theme: 'dark' } } });
    expect(events).toContainEqual(expect.objectContaining({ name: 'settings' }));
  });

  it('sweeps containers left by dead agents, only when asked to, never a live agent\'s', async () => {
    const removed: string[] = [];
    const { deps } = fakeAgentDeps({ processAlive: (pid) => pid === 4242 });
    deps.docker = {
      ...deps.docker,
      listContainers: async (labels) =>
        labels['io.rigshift.managed'] === 'true'
          ? [
              { id: 'old1', state: 'running', labels: { 'io.rigshift.owner-pid': '999999' } },
              { id: 'busy', state: 'running', labels: { 'io.rigshift.owner-pid': '4242' } },
              { id: 'unowned', state: 'exited', labels: {} as Record<string, string> },
            ]
          : [],
      removeContainer: async (id) => void removed.push(id),
    };
    const oneShot = createAgent(deps);
    await oneShot.start();
    await oneShot.settled();
    expect(removed).toEqual([]);
    const longRunning = createAgent(deps);
    await longRunning.start({ longRunning: true });
    await longRunning.settled();
    expect(removed).toEqual(['old1', 'unowned']);
  });
});
