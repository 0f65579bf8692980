/**
 * Issue 14 on Linux/X11, measured through the real agent: detection latency from a fake
 * game's window going full screen (a libX11 client on a private Xvfb, test/helpers/x11-fake-
 * game.ts) to the pause decision (the device leaves "renting": yielding) and to the job's
 * container gone (the device reaches "paused" after the container is removed); the same for
 * a watch-listed process starting; and the CPU of the presence monitor per tick with every
 * detector on (the monitor's own CPU plus its reaped children: xprop, nvidia-smi…).
 * Needs Xvfb, Docker and the CPU image; skipped with a note otherwise.
 * Run alone: `npx tsx test/bench/presence-linux-figures.ts [rounds] [cpu-seconds]`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createAgent } from '../../electron/agent/agent';
import { createRentalSlots } from '../../electron/agent/availability/rental-slots';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { createNodeCommandRunner } from '../../electron/agent/node-adapters/command-runner';
import { createNodePresenceSources } from '../../electron/agent/presence/node-presence-sources';
import { createPresenceMonitor, PRESENCE_INTERVALS_MS } from '../../electron/agent/presence/presence-monitor';
import type { AvailabilityReport } from '../../shared/domain/availability';
import type { PresenceSettings } from '../../shared/domain/controls';
import { fakeAgentDeps } from '../fakes/fake-agent-deps';
import { repoRoot } from '../helpers/cli';
import { dockerEngine, fileExists, xvfb } from '../helpers/requirements';
import { cpuImageTarball, startSleeper } from '../helpers/sleeper-container';
import { tempDir } from '../helpers/temp-dir';
import { startFakeGame, startXvfb } from '../helpers/x11-fake-game';
import { type BenchFigure, median, round } from './figure';

const WATCHED = 'HorizonForbiddenWest.exe';
const TICKS_PER_SECOND = 100; // USER_HZ

const nowMs = () => performance.timeOrigin + performance.now();
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** CPU ms of this process and its reaped children so far (Linux /proc/self/stat). */
function cpuMs(): number {
  const usage = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (usage.user + usage.system) / 1000 + (Number(fields[13]) + Number(fields[14])) * (1000 / TICKS_PER_SECOND);
}

function when(agent: ReturnType<typeof createAgent>, label: string, predicate: (r: AvailabilityReport) => boolean, timeoutMs = 20_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${label} (now: ${agent.snapshot().availability.gpus[0]?.headline})`)), timeoutMs);
    const check = (report: AvailabilityReport) => {
      if (!predicate(report)) return;
      const at = nowMs();
      clearTimeout(timer);
      off();
      resolve(at);
    };
    const off = agent.onEvent((event) => event.name === 'availability' && check(event.payload));
    check(agent.snapshot().availability);
  });
}

export async function measurePresenceLinux(rounds = 30, cpuSeconds = 30): Promise<BenchFigure[]> {
  const missing = [xvfb(), dockerEngine(), fileExists(cpuImageTarball, 'npm run build:images')].find((r) => !r.ok);
  if (process.platform !== 'linux' || missing) {
    console.log(`SKIP  presence on Linux (issue 14): ${missing?.reason ?? 'Linux only'}`);
    return [];
  }
  const dir = tempDir('rigshift-presence-bench-');
  const server = await startXvfb();
  const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY, XDG_SESSION_TYPE: process.env.XDG_SESSION_TYPE };
  process.env.DISPLAY = server.display;
  delete process.env.WAYLAND_DISPLAY;
  process.env.XDG_SESSION_TYPE = 'x11';
  const game = await startFakeGame({ display: server.display, title: 'ELDEN RING', dir: dir.path, repoRoot });
  const docker = createDockerodeRuntime();
  const raw = new Docker();
  const children: ChildProcess[] = [];
  try {
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
    const p = deps.settings.get().controls.presence;
    await agent.call('updateSettings', {
      patch: { controls: { presence: { ...p, idle: { ...p.idle, enabled: false }, processes: { ...p.processes, builtIn: false, watchList: [WATCHED] } } } },
    });
    await when(agent, 'available at start', (r) => r.gpus[0]?.state === 'available');

    /** One rental cut short by `trigger`; returns ms to the decision and to the container gone. */
    async function round1(name: string, trigger: () => Promise<number>, undo: () => Promise<void>) {
      const job = await startSleeper(docker, { trapSigterm: false, name });
      slots.track({ deviceId: 'cpu', jobId: name, preemptible: true, container: job });
      await when(agent, `${name}: renting`, (r) => r.gpus[0]?.state === 'renting');
      const decided = when(agent, `${name}: the pause decision`, (r) => r.gpus[0]?.state === 'yielding' || r.gpus[0]?.state === 'paused');
      const gone = when(agent, `${name}: paused`, (r) => r.gpus[0]?.state === 'paused');
      const at = await trigger();
      const [decisionAt, goneAt] = [await decided, await gone];
      const status = await raw.getContainer(job.id).inspect().then(() => 'exists', (e: { statusCode?: number }) => e.statusCode);
      if (status !== 404) throw new Error(`the job container is still there after the pause (${status})`);
      await undo();
      await when(agent, `${name}: available again`, (r) => r.gpus[0]?.state === 'available');
      process.stderr.write(`      ${name}: decision ${Math.round(decisionAt - at)} ms, container gone ${Math.round(goneAt - at)} ms\n`);
      return { decision: decisionAt - at, gone: goneAt - at };
    }

    const fullscreen: Array<{ decision: number; gone: number }> = [];
    for (let i = 0; i < rounds; i += 1) {
      fullscreen.push(await round1(`bench-fs-${i}`, () => game.fullscreen(), async () => void (await game.windowed())));
    }
    const watched: Array<{ decision: number; gone: number }> = [];
    const exe = join(dir.path, WATCHED);
    copyFileSync('/bin/sleep', exe);
    let running: ChildProcess | null = null;
    for (let i = 0; i < rounds; i += 1) {
      watched.push(
        await round1(
          `bench-watch-${i}`,
          async () => {
            const at = nowMs();
            running = spawn(exe, ['600'], { stdio: 'ignore' });
            children.push(running);
            return at;
          },
          async () => void running?.kill('SIGKILL'),
        ),
      );
    }
    await agent.stop();

    // CPU per tick, every detector on (GPU: NVML → pmon → "nvidia-smi is not installed" here).
    const all: PresenceSettings = {
      idle: { enabled: true, minutes: 5 },
      processes: { enabled: true, builtIn: true, watchList: [WATCHED] },
      fullscreen: { enabled: true },
      gpuInUse: { enabled: true, thresholdPercent: 5 },
      battery: { enabled: true },
    };
    const monitor = createPresenceMonitor({ ...sources, settings: () => all, clock: { now: () => new Date() }, logger: deps.logger });
    const keepAlive = setInterval(() => undefined, 1_000);
    monitor.start();
    const first = await monitor.readNow();
    const before = cpuMs();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, cpuSeconds * 1_000));
    const used = cpuMs() - before;
    const wall = performance.now() - started;
    monitor.stop();
    clearInterval(keepAlive);
    const ticks = wall / 1_000; // the fastest detectors tick every second
    for (const [key, status] of Object.entries(first.detectors)) {
      console.log(`      detector ${key}: ${status.state}${status.state === 'unavailable' ? ` (${status.reason})` : status.state === 'watching' && status.via ? ` via ${status.via}` : ''}`);
    }
    console.log(`      intervals: ${JSON.stringify(PRESENCE_INTERVALS_MS)}`);

    const series = (label: string, values: number[], target: number): BenchFigure[] => [
      { name: `${label}, median of ${values.length}`, value: round(median(values)), unit: 'ms', target, better: 'lower' },
      { name: `${label}, p99 of ${values.length}`, value: round(percentile(values, 99)), unit: 'ms', target, better: 'lower' },
    ];
    return [
      ...series('presence (Linux/X11): full screen to pause decision', fullscreen.map((r) => r.decision), 1_500),
      ...series('presence (Linux/X11): full screen to container gone', fullscreen.map((r) => r.gone), 2_500),
      ...series('presence (Linux): watch-listed process start to pause decision', watched.map((r) => r.decision), 1_500),
      ...series('presence (Linux): watch-listed process start to container gone', watched.map((r) => r.gone), 2_500),
      { name: `presence (Linux/X11): monitor CPU per 1 s tick, every detector on, ${cpuSeconds} s`, value: round(used / ticks, 2), unit: 'ms', target: 10, better: 'lower' },
      { name: `presence (Linux/X11): monitor CPU, every detector on, ${cpuSeconds} s`, value: round((used / wall) * 100, 3), unit: '% of one core', target: 1, better: 'lower' },
    ];
  } finally {
    for (const child of children) child.kill('SIGKILL');
    game.stop();
    server.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    dir.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of await measurePresenceLinux(Number(process.argv[2] ?? 30), Number(process.argv[3] ?? 30))) {
    console.log(`${figure.name}: ${figure.value} ${figure.unit} (target ≤ ${figure.target})`);
  }
  process.exit(0);
}
