/**
 * The yield path against a real Docker engine: the owner pauses (or a game starts), and
 * the running job's container is stopped and gone.
 */
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../electron/agent/agent';
import { createRentalSlots, type YieldOutcome } from '../../electron/agent/availability/rental-slots';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { fakeAgentDeps } from '../fakes/fake-agent-deps';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { cpuImageTarball, startSleeper } from '../helpers/sleeper-container';
import { recordingLogger } from '../helpers/silent-logger';

const ready = need(dockerEngine()) && need(fileExists(cpuImageTarball, 'npm run build:images'));

async function gone(id: string): Promise<boolean> {
  try {
    await new Docker().getContainer(id).inspect();
    return false;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode === 404;
  }
}

describe.skipIf(!ready)('yield (real Docker engine)', () => {
  const docker = createDockerodeRuntime();
  const leftovers: string[] = [];
  afterAll(async () => {
    for (const id of leftovers) await docker.removeContainer(id).catch(() => undefined);
  });

  it('pausing renting through the API stops and removes the running job', async () => {
    const handle = await startSleeper(docker, { trapSigterm: false, name: 'yield-pause' });
    leftovers.push(handle.id);
    const slots = createRentalSlots({ logger: recordingLogger().logger });
    const yielded = new Promise<void>((resolve) => slots.onChange(() => !slots.isRenting('cpu') && resolve()));
    const { deps } = fakeAgentDeps({ docker, slots });
    const agent = createAgent(deps);
    await agent.start();
    await agent.settled();
    slots.track({ deviceId: 'cpu', jobId: 'job-1', preemptible: true, container: handle });
    expect(agent.snapshot().availability.gpus[0]?.state).toBe('renting');

    const paused = await agent.call('pauseRenting', { duration: 'hour' });
    expect(paused.ok).toBe(true);
    await yielded;
    expect(await gone(handle.id)).toBe(true);
    expect(agent.snapshot().availability.gpus[0]?.state).toBe('paused');
    expect(agent.snapshot().availability.history[0]).toMatchObject({ from: 'yielding', to: 'paused' });
    await agent.stop();
  });

  it('kills a job that ignores SIGTERM after the short grace, and removes it', async () => {
    const handle = await startSleeper(docker, { trapSigterm: true, name: 'yield-trap' });
    leftovers.push(handle.id);
    const slots = createRentalSlots({ logger: recordingLogger().logger, graceMs: 300 });
    slots.track({ deviceId: 'cpu', jobId: 'job-2', preemptible: true, container: handle });
    const outcome = (await slots.yieldDevice('cpu')) as YieldOutcome;
    expect(outcome.killed).toBe(true);
    expect(await gone(handle.id)).toBe(true);
    expect(slots.isRenting('cpu')).toBe(false);
  });

  it('a job that exits on SIGTERM is not killed', async () => {
    const handle = await startSleeper(docker, { trapSigterm: false, name: 'yield-term' });
    leftovers.push(handle.id);
    const slots = createRentalSlots({ logger: recordingLogger().logger, graceMs: 2000 });
    slots.track({ deviceId: 'cpu', jobId: 'job-3', preemptible: true, container: handle });
    const outcome = (await slots.yieldDevice('cpu')) as YieldOutcome;
    expect(outcome.killed).toBe(false);
    expect(await gone(handle.id)).toBe(true);
  });
});
