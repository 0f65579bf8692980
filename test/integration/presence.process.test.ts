/**
 * The presence detectors against the real machine:
 *  - a real executable copied under a game-like name longer than Linux's 15-character comm
 *    is seen by the real /proc lister + matchWatchList (through argv[0]), also through the
 *    running monitor, and is gone once killed;
 *  - a real container labelled io.rigshift.managed=true: its process is recognised as a
 *    rental by reading the real /proc/<pid>/cgroup, a plain container's is not (Docker only).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGED_LABEL, OWNER_PID_LABEL } from '../../electron/agent/containers/owner-label';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { createGpuProcessSource } from '../../electron/agent/presence/gpu-processes';
import { GPU_INDEX_ARGS, PMON_ARGS } from '../../electron/agent/presence/pmon';
import { createPresenceMonitor } from '../../electron/agent/presence/presence-monitor';
import { createProcessLister, matchWatchList } from '../../electron/agent/presence/process-watch';
import type { PresenceReadings } from '../../shared/domain/availability';
import { exited, FakeCommandRunner } from '../fakes/fake-command-runner';
import { recordingLogger } from '../helpers/silent-logger';
import { dockerEngine, need, type Requirement } from '../helpers/requirements';
import { repoRoot } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const linux = process.platform === 'linux';
const GAME = 'Cyberpunk2077.exe'; // 17 characters: comm shows "Cyberpunk2077.e"
const GAME_NO_EXT = 'EldenRingNightreign'; // 19 characters, matched by the owner entry "eldenringnightreign.exe"

function startFakeGame(dir: string, name: string): Promise<ChildProcess> {
  const path = join(dir, name);
  copyFileSync('/bin/sleep', path);
  const child = spawn(path, ['60'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
  });
}

const kill = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve()); // after the exit event Node has reaped it: no zombie left
    child.kill('SIGKILL');
  });

describe.skipIf(!linux)('process watch on the real /proc', () => {
  const dir = tempDir('rigshift-presence-');
  const lister = createProcessLister({ platform: 'linux', runner: new FakeCommandRunner() });
  const watch = { builtIn: false, watchList: ['cyberpunk2077.exe', 'eldenringnightreign.exe'] };
  afterAll(() => dir.cleanup());

  it('detects games with names longer than comm’s 15 characters, and forgets them once killed', async () => {
    const game = await startFakeGame(dir.path, GAME);
    const other = await startFakeGame(dir.path, GAME_NO_EXT);
    try {
      const names = await lister.list();
      expect(names).toContain('Cyberpunk2077.e'); // comm, truncated by the kernel
      expect(matchWatchList(names, watch)).toEqual([GAME, GAME_NO_EXT]);
      expect(matchWatchList(names, { builtIn: false, watchList: ['CYBERPUNK2077'] })).toEqual([GAME]);
    } finally {
      await kill(game);
    }
    expect(matchWatchList(await lister.list(), watch)).toEqual([GAME_NO_EXT]);
    await kill(other);
    expect(matchWatchList(await lister.list(), watch)).toEqual([]);
  });

  it('the running monitor reports the game within about a second of its start, and its end', async () => {
    const { logger } = recordingLogger();
    const off = { available: false as const, reason: 'not under test' };
    const monitor = createPresenceMonitor({
      idle: { read: async () => off },
      processes: createProcessLister({ platform: 'linux', runner: new FakeCommandRunner() }),
      fullscreen: { read: async () => off },
      gpuProcesses: { read: async () => off },
      battery: { read: async () => off },
      settings: () => ({
        idle: { enabled: false, minutes: 5 },
        processes: { enabled: true, builtIn: true, watchList: ['cyberpunk2077.exe'] },
        fullscreen: { enabled: false },
        gpuInUse: { enabled: false, thresholdPercent: 5 },
        battery: { enabled: false },
      }),
      clock: { now: () => new Date() },
      logger,
    });
    const events: Array<{ at: number; readings: PresenceReadings }> = [];
    monitor.onChange((readings) => events.push({ at: performance.now(), readings }));
    const next = (predicate: (r: PresenceReadings) => boolean) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no event within 3 s')), 3_000);
        const stop = monitor.onChange((r) => {
          if (!predicate(r)) return;
          clearTimeout(timer);
          stop();
          resolve(performance.now());
        });
      });
    monitor.start();
    await monitor.readNow();
    try {
      expect(monitor.latest()?.runningWatched).toEqual([]);
      const started = performance.now();
      const seen = next((r) => r.runningWatched.includes(GAME));
      const game = await startFakeGame(dir.path, GAME);
      expect((await seen) - started).toBeLessThan(1_500);
      const killedAt = performance.now();
      const gone = next((r) => r.runningWatched.length === 0);
      await kill(game);
      expect((await gone) - killedAt).toBeLessThan(1_500);
      expect(events.length).toBe(3); // first reading, game started, game ended: nothing per tick
    } finally {
      monitor.stop();
    }
  });
});

function benchCpuImage(): Requirement & { reference?: string } {
  if (!dockerEngine().ok) return dockerEngine();
  const list = () =>
    execFileSync('docker', ['images', 'rigshift/bench-cpu', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  let references = list();
  const tarball = join(repoRoot, 'resources', 'images', 'rigshift-bench-cpu.tar');
  if (references.length === 0 && existsSync(tarball)) {
    execFileSync('docker', ['load', '-i', tarball], { stdio: 'pipe' });
    references = list();
  }
  return references[0]
    ? { ok: true, reason: '', reference: references[0] }
    : { ok: false, reason: 'no rigshift/bench-cpu image (npm run build:images)' };
}

const image = linux ? benchCpuImage() : { ok: false, reason: 'Linux only' };
const withDocker = linux && need(image);

describe.skipIf(!withDocker)('GPU process filter: real containers, real /proc/<pid>/cgroup', () => {
  const docker = new Dockerode();
  const started: Dockerode.Container[] = [];

  async function sleeper(labels: Record<string, string>): Promise<number> {
    const container = await docker.createContainer({
      Image: image.reference,
      Entrypoint: ['/bin/busybox'],
      Cmd: ['sleep', '60'],
      Labels: labels,
      HostConfig: { AutoRemove: false, NetworkMode: 'none' },
    });
    started.push(container);
    await container.start();
    return (await container.inspect()).State.Pid;
  }

  let rentalPid = 0;
  let ownerContainerPid = 0;
  beforeAll(async () => {
    rentalPid = await sleeper({ [MANAGED_LABEL]: 'true', [OWNER_PID_LABEL]: String(process.pid) });
    ownerContainerPid = await sleeper({ 'io.rigshift.test': 'presence-not-managed' });
  });
  afterAll(async () => {
    await Promise.all(started.map((c) => c.remove({ force: true }).catch(() => undefined)));
  });

  it('leaves out the process of the RigShift container and keeps the others', async () => {
    const uuid = 'GPU-12345678-1234-1234-1234-123456789abc';
    // pmon (NVML cannot load without a GPU) lists the rental, the owner's own container and
    // this test process (the agent itself, never "the owner").
    const pmon = [
      '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command',
      '# Idx           #    C/G      %      %      %      %      %      %    name',
      `    0  ${rentalPid}     C     90     40      -      -      -      -    busybox`,
      `    0  ${ownerContainerPid}     C     30     10      -      -      -      -    busybox`,
      `    0  ${process.pid}     G      1      0      -      -      -      -    node`,
      '',
    ].join('\n');
    const runner = new FakeCommandRunner().on('nvidia-smi', PMON_ARGS, exited(pmon)).on('nvidia-smi', GPU_INDEX_ARGS, exited(`0, ${uuid}\n`));
    const source = createGpuProcessSource({
      platform: 'linux',
      runner,
      docker: createDockerodeRuntime(docker),
      logger: recordingLogger().logger,
      openNvml: () => ({ ok: false, reason: 'NVML not under test' }),
    });
    const foreign = await source.read();
    if (!foreign.available) throw new Error(foreign.reason);
    expect(foreign.processes.map((p) => p.pid)).toEqual([ownerContainerPid]);
    expect(foreign.processes[0]).toMatchObject({ gpuUuid: uuid, gpuPercent: 30 });
  });
});
