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
import { fakeAgentDeps } from '../fakes/fake-agent-deps';
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
