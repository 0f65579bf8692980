/**
 * Issue 14, end to end on Linux/X11 with no watch list: a fake game (a real X11 client on a
 * private Xvfb) goes full screen while a CPU job runs in a real container, and the real
 * presence detectors (xprop on _NET_ACTIVE_WINDOW / _NET_WM_STATE) and the real availability
 * engine pause renting: the job container is stopped and removed, the device ends paused
 * with the game named. Back to windowed, the device is available again.
 * See test/helpers/x11-fake-game.ts for why the client publishes _NET_ACTIVE_WINDOW itself
 * (no window manager here).
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../electron/agent/agent';
import { createRentalSlots } from '../../electron/agent/availability/rental-slots';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { createNodeCommandRunner } from '../../electron/agent/node-adapters/command-runner';
import { createNodePresenceSources } from '../../electron/agent/presence/node-presence-sources';
import { createPresenceMonitor } from '../../electron/agent/presence/presence-monitor';
import type { AvailabilityReport } from '../../shared/domain/availability';
import { fakeAgentDeps } from '../fakes/fake-agent-deps';
import { repoRoot } from '../helpers/cli';
import { dockerEngine, fileExists, need, xvfb } from '../helpers/requirements';
import { cpuImageTarball, startSleeper } from '../helpers/sleeper-container';
import { tempDir } from '../helpers/temp-dir';
import { type FakeGame, startFakeGame, startXvfb, type XServer } from '../helpers/x11-fake-game';

const TITLE = 'ELDEN RING™';

function waitFor(agent: ReturnType<typeof createAgent>, predicate: (r: AvailabilityReport) => boolean, timeoutMs = 15_000) {
  return new Promise<AvailabilityReport>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for availability (now ${agent.snapshot().availability.gpus[0]?.headline})`)), timeoutMs);
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

const linux = process.platform === 'linux';
const ready =
  linux && need(xvfb()) && need(dockerEngine()) && need(fileExists(cpuImageTarball, 'npm run build:images'));

describe.skipIf(!ready)('a game going full screen on X11 pauses a running job (real Xvfb, real Docker, no watch list)', () => {
  const dir = tempDir('rigshift-x11-game-');
  const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY, XDG_SESSION_TYPE: process.env.XDG_SESSION_TYPE };
  let server: XServer | null = null;
  let game: FakeGame | null = null;

  beforeAll(async () => {
    server = await startXvfb();
    // The detector's xprop children talk to the X server named in the agent's environment.
    process.env.DISPLAY = server.display;
    delete process.env.WAYLAND_DISPLAY;
    process.env.XDG_SESSION_TYPE = 'x11';
    game = await startFakeGame({ display: server.display, title: TITLE, dir: dir.path, repoRoot });
  });
  afterAll(() => {
    game?.stop();
    server?.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    dir.cleanup();
  });

  it('yields: the job container is stopped and removed, the device ends paused naming the game, and is available again when it leaves full screen', async () => {
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
    // Only the full-screen detector decides here: the fresh Xvfb reads as "input just now"
    // to an idle check, and the watch list stays empty (the point of the issue).
    const p = deps.settings.get().controls.presence;
    const updated = await agent.call('updateSettings', {
      patch: { controls: { presence: { ...p, idle: { ...p.idle, enabled: false }, processes: { ...p.processes, builtIn: false, watchList: [] } } } },
    });
    expect(updated.ok).toBe(true);

    const windowedSeen = await waitFor(agent, (r) => r.presence?.detectors.fullscreen.state === 'watching');
    expect(windowedSeen.presence?.detectors.fullscreen).toMatchObject({ saw: null, via: 'xprop (X11 _NET_ACTIVE_WINDOW, _NET_WM_STATE)' });

    const job = await startSleeper(docker, { trapSigterm: true, name: 'x11-fullscreen-job' });
    slots.track({ deviceId: 'cpu', jobId: 'job-x11', preemptible: true, container: job });
    await waitFor(agent, (r) => r.gpus[0]?.state === 'renting');

    await game!.fullscreen();
    const paused = await waitFor(agent, (r) => r.gpus[0]?.state === 'paused');
    expect(paused.gpus[0]?.headline).toBe(`Paused: ${TITLE} is in front`);
    expect(paused.history.slice(0, 3).map((t) => `${t.from}->${t.to}`)).toEqual(['yielding->paused', 'renting->yielding', 'available->renting']);
    expect(paused.presence?.detectors.fullscreen).toMatchObject({ state: 'watching', saw: TITLE });
    const inspect = await new Docker().getContainer(job.id).inspect().then(() => 'exists', (e: { statusCode?: number }) => e.statusCode);
    expect(inspect).toBe(404);

    await game!.windowed();
    const back = await waitFor(agent, (r) => r.gpus[0]?.state === 'available');
    expect(back.presence?.detectors.fullscreen).toMatchObject({ state: 'watching', saw: null });
    await agent.stop();
  });
});
