/**
 * The whole "I'm back" path on the real machine: a real process started by the test, with
 * a name on the owner's watch list, is seen by the real presence detectors, and the agent
 * pauses availability with a reason naming it; once it exits, the device is available again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../electron/agent/agent';
import { createNodeCommandRunner } from '../../electron/agent/node-adapters/command-runner';
import { createNodePresenceSources } from '../../electron/agent/presence/node-presence-sources';
import { createPresenceMonitor } from '../../electron/agent/presence/presence-monitor';
import type { AvailabilityReport } from '../../shared/domain/availability';
import Docker from 'dockerode';
import { createRentalSlots } from '../../electron/agent/availability/rental-slots';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { fakeAgentDeps } from '../fakes/fake-agent-deps';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { cpuImageTarball, startSleeper } from '../helpers/sleeper-container';
import { tempDir } from '../helpers/temp-dir';

const GAME = 'HorizonForbiddenWest.exe';

function waitFor(agent: ReturnType<typeof createAgent>, predicate: (r: AvailabilityReport) => boolean, timeoutMs = 10_000) {
  return new Promise<AvailabilityReport>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for availability')), timeoutMs);
    const check = (report: AvailabilityReport) => {
      if (!predicate(report)) return;
      clearTimeout(timer);
      off();
      resolve(report);
    };
    const off = agent.onEvent((event) => event.name === 'availability' && check(event.payload));
    check(agent.snapshot().availability);
  });
}

describe.skipIf(process.platform !== 'linux')('a game started by the owner pauses renting (real /proc)', () => {
  const dir = tempDir('rigshift-game-');
  let game: ChildProcess | null = null;
  afterAll(() => {
    game?.kill('SIGKILL');
    dir.cleanup();
  });

  it('pauses with the game named, and becomes available again when it exits', async () => {
    const { deps } = fakeAgentDeps();
    const sources = createNodePresenceSources({ runner: createNodeCommandRunner(), docker: deps.docker, logger: deps.logger, clock: deps.clock });
    const presence = createPresenceMonitor({
      ...sources,
      settings: () => deps.settings.get().controls.presence,
      clock: { now: () => new Date() },
      logger: deps.logger,
    });
    const agent = createAgent({ ...deps, clock: { now: () => new Date() }, presence });
    await agent.start({ longRunning: true });
    await agent.settled();
    const presenceSettings = deps.settings.get().controls.presence;
    const saved = await agent.call('updateSettings', {
      patch: { controls: { presence: { ...presenceSettings, processes: { ...presenceSettings.processes, watchList: [GAME] } } } },
    });
    expect(saved.ok).toBe(true);
    await waitFor(agent, (r) => r.gpus[0]?.state === 'available');

    const path = join(dir.path, GAME);
    copyFileSync('/bin/sleep', path);
    game = spawn(path, ['60'], { stdio: 'ignore' });
    const paused = await waitFor(agent, (r) => r.gpus[0]?.state === 'paused');
    expect(paused.gpus[0]?.headline).toBe(`Paused: ${GAME} is running`);
    expect(paused.presence?.runningWatched).toEqual([GAME]);

    game.kill('SIGKILL');
    const back = await waitFor(agent, (r) => r.gpus[0]?.state === 'available');
    expect(back.history.slice(0, 2).map((t) => `${t.from}->${t.to}`)).toEqual(['paused->available', 'available->paused']);
    await agent.stop();
  });
});

const withDocker = process.platform === 'linux' && need(dockerEngine()) && need(fileExists(cpuImageTarball, 'npm run build:images'));

describe.skipIf(!withDocker)('a game launched mid-job stops the job (real /proc, real Docker)', () => {
  const dir = tempDir('rigshift-game-job-');
  let game: ChildProcess | null = null;
  afterAll(() => {
    game?.kill('SIGKILL');
    dir.cleanup();
  });

  it('yields: the job container is stopped and removed, and the device ends paused', async () => {
    const docker = createDockerodeRuntime();
    const { deps } = fakeAgentDeps({ docker });
    const slots = createRentalSlots({ logger: deps.logger });
    const sources = createNodePresenceSources({ runner: createNodeCommandRunner(), docker, logger: deps.logger, clock: deps.clock });
    const presence = createPresenceMonitor({
      ...sources,
      settings: () => deps.settings.get().controls.presence,
      clock: { now: () => new Date() },
      logger: deps.logger,
    });
    const agent = createAgent({ ...deps, slots, clock: { now: () => new Date() }, presence });
    await agent.start({ longRunning: true });
    await agent.settled();
    const presenceSettings = deps.settings.get().controls.presence;
    await agent.call('updateSettings', {
      patch: { controls: { presence: { ...presenceSettings, processes: { ...presenceSettings.processes, watchList: [GAME] } } } },
    });
    const job = await startSleeper(docker, { trapSigterm: true, name: 'game-mid-job' });
    slots.track({ deviceId: 'cpu', jobId: 'job-mid', preemptible: true, container: job });
    await waitFor(agent, (r) => r.gpus[0]?.state === 'renting');

    const path = join(dir.path, GAME);
    copyFileSync('/bin/sleep', path);
    game = spawn(path, ['60'], { stdio: 'ignore' });
    const paused = await waitFor(agent, (r) => r.gpus[0]?.state === 'paused');
    expect(paused.gpus[0]?.headline).toBe(`Paused: ${GAME} is running`);
    expect(paused.history.slice(0, 3).map((t) => `${t.from}->${t.to}`)).toEqual(['yielding->paused', 'renting->yielding', 'available->renting']);
    const inspect = await new Docker().getContainer(job.id).inspect().then(() => 'exists', (e: { statusCode?: number }) => e.statusCode);
    expect(inspect).toBe(404);
    await agent.stop();
  });
});
