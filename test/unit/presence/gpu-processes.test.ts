import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  COMPUTE_APPS_ARGS,
  containerIdsInCgroup,
  createGpuProcessSource,
  isCompositor,
  linuxProcessName,
  parentPid,
  parseComputeApps,
} from '../../../electron/agent/presence/gpu-processes';
import type { NvmlDeviceReading, NvmlOpen } from '../../../electron/agent/presence/nvml';
import { GPU_INDEX_ARGS, PMON_ARGS } from '../../../electron/agent/presence/pmon';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const OURS = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const UUID = 'GPU-12345678-1234-1234-1234-123456789abc';

describe('parseComputeApps', () => {
  it('reads pid, name, memory and GPU, keeping names with commas whole', () => {
    const stdout = `1234, /usr/bin/python3, 2048, ${UUID}\n777, /opt/my, app/bin/run, [N/A], ${UUID}\r\n`;
    expect(parseComputeApps(stdout)).toEqual([
      { pid: 1234, name: '/usr/bin/python3', gpuUuid: UUID, usedMiB: 2048 },
      { pid: 777, name: '/opt/my, app/bin/run', gpuUuid: UUID, usedMiB: null },
    ]);
  });

  it('empty output and message lines give no processes', () => {
    expect(parseComputeApps('')).toEqual([]);
    expect(parseComputeApps('No running processes found\n')).toEqual([]);
  });
});

describe('containerIdsInCgroup', () => {
  it('finds ids in cgroup v1, v2 systemd and nested layouts', () => {
    expect(containerIdsInCgroup(`12:pids:/docker/${OURS}\n0::/docker/${OURS}\n`)).toEqual([OURS]);
    expect(containerIdsInCgroup(`0::/system.slice/docker-${OURS}.scope\n`)).toEqual([OURS]);
    expect(containerIdsInCgroup(`0::/docker/${OTHER}/docker/${OURS}\n`)).toEqual([OTHER, OURS]);
    expect(containerIdsInCgroup('0::/user.slice/user-1000.slice/session-2.scope\n')).toEqual([]);
  });
});

describe('createGpuProcessSource (Linux)', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  afterEach(() => dir?.cleanup());

  const docker = (ids: string[]) => ({
    calls: [] as Array<Record<string, string>>,
    async listContainers(labels: Record<string, string>) {
      this.calls.push(labels);
      return ids.map((id) => ({ id, state: 'running', labels }));
    },
  });

  /** A fake /proc: comm, cmdline, stat (with the parent pid) and cgroup per pid. */
  function proc(entries: Record<number, { comm: string; cmdline?: string; ppid?: number; cgroup?: string }>): string {
    dir = tempDir();
    for (const [pid, e] of Object.entries(entries)) {
      const at = join(dir.path, pid);
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, 'comm'), `${e.comm}\n`);
      writeFileSync(join(at, 'cmdline'), e.cmdline ?? `${e.comm}\0`);
      writeFileSync(join(at, 'stat'), `${pid} (${e.comm}) S ${e.ppid ?? 1} ${pid} ${pid} 0 -1`);
      writeFileSync(join(at, 'cgroup'), e.cgroup ?? '0::/user.slice/user-1000.slice/session-2.scope\n');
    }
    return dir.path;
  }

  const nvmlWith = (devices: NvmlDeviceReading[]): (() => NvmlOpen) => () => ({
    ok: true,
    session: { describe: 'NVML (fake)', read: () => devices, close: () => undefined },
  });
  const noNvml = (): NvmlOpen => ({ ok: false, reason: 'libnvidia-ml.so.1 not found (install the NVIDIA driver)' });

  it('NVML: sees a game (a graphics process) with its GPU share; leaves out the compositor, ourselves, our children and our containers', async () => {
    const procRoot = proc({
      100: { comm: 'Xorg' },
      101: { comm: 'gnome-shell' },
      200: { comm: 'eldenring.exe', cmdline: 'Z:\\Games\\ELDEN RING\\eldenring.exe\0' },
      300: { comm: 'python3', cgroup: `0::/system.slice/docker-${OURS}.scope\n` },
      400: { comm: 'ollama', cgroup: `0::/docker/${OTHER}\n` },
      500: { comm: 'electron', ppid: 4242 }, // our own GPU process
      600: { comm: 'firefox' },
    });
    const engine = docker([OURS]);
    const source = createGpuProcessSource({
      platform: 'linux',
      runner: new FakeCommandRunner(),
      docker: engine,
      logger: recordingLogger().logger,
      procRoot,
      selfPid: 4242,
      openNvml: nvmlWith([
        {
          uuid: UUID,
          processes: [
            { pid: 100, usedMiB: 300, kind: 'graphics' },
            { pid: 101, usedMiB: 200, kind: 'graphics' },
            { pid: 200, usedMiB: 6000, kind: 'graphics' },
            { pid: 300, usedMiB: 4000, kind: 'compute' },
            { pid: 400, usedMiB: 3000, kind: 'compute' },
            { pid: 500, usedMiB: 90, kind: 'graphics' },
            { pid: 600, usedMiB: 250, kind: 'graphics' },
            { pid: 4242, usedMiB: 10, kind: 'graphics' },
            { pid: 700, usedMiB: 10, kind: 'graphics' }, // exited meanwhile: no /proc entry
          ],
          utilization: new Map([
            [200, 63],
            [300, 99],
            [400, 20],
          ]),
        },
      ]),
    });
    expect(await source.read()).toEqual({
      available: true,
      via: 'NVML (fake)',
      processes: [
        { pid: 200, name: 'eldenring.exe', gpuUuid: UUID, usedMiB: 6000, gpuPercent: 63 },
        { pid: 400, name: 'ollama', gpuUuid: UUID, usedMiB: 3000, gpuPercent: 20 },
        { pid: 600, name: 'firefox', gpuUuid: UUID, usedMiB: 250, gpuPercent: 0 },
      ],
    });
    expect(engine.calls).toEqual([{ 'io.rigshift.managed': 'true' }]);
  });

  it('NVML without per-process utilization: the share is unknown (null), never guessed 0', async () => {
    const procRoot = proc({ 200: { comm: 'game' } });
    const source = createGpuProcessSource({
      platform: 'linux',
      runner: new FakeCommandRunner(),
      docker: docker([]),
      logger: recordingLogger().logger,
      procRoot,
      openNvml: nvmlWith([{ uuid: UUID, processes: [{ pid: 200, usedMiB: null, kind: 'graphics' }], utilization: null }]),
    });
    expect(await source.read()).toMatchObject({ available: true, processes: [{ pid: 200, name: 'game', usedMiB: null, gpuPercent: null }] });
  });

  it('without NVML, falls back to nvidia-smi pmon: a game the old compute-apps query never listed is seen', async () => {
    const procRoot = proc({ 3120: { comm: 'Cyberpunk2077.e', cmdline: 'Z:\\Cyberpunk2077.exe\0' }, 2364: { comm: 'Xorg' } });
    const pmon = [
      '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command',
      '# Idx           #    C/G      %      %      %      %      %      %    name',
      '    0       2364     G      -      -      -      -      -      -    Xorg',
      '    0       3120     G     41      9      -      -      -      -    Cyberpunk2077.e',
      '',
    ].join('\n');
    const runner = new FakeCommandRunner()
      .on('nvidia-smi', PMON_ARGS, exited(pmon))
      .on('nvidia-smi', GPU_INDEX_ARGS, exited(`0, ${UUID}\n`))
      .on('nvidia-smi', COMPUTE_APPS_ARGS, exited('')); // the old query: games never appear there
    const source = createGpuProcessSource({ platform: 'linux', runner, docker: docker([]), logger: recordingLogger().logger, procRoot, openNvml: noNvml });
    const reading = await source.read();
    expect(reading).toEqual({
      available: true,
      via: 'nvidia-smi pmon (libnvidia-ml.so.1 not found (install the NVIDIA driver))',
      processes: [{ pid: 3120, name: 'Cyberpunk2077.e', gpuUuid: UUID, usedMiB: null, gpuPercent: 41 }],
    });
    // The index → UUID map is asked once and kept.
    await source.read();
    expect(runner.runs.map((r) => r.args)).toEqual([PMON_ARGS, GPU_INDEX_ARGS, PMON_ARGS]);
  });

  it('neither NVML nor nvidia-smi: unavailable with both reasons, and no respawn until the recheck is due', async () => {
    let now = 0;
    let opens = 0;
    const runner = new FakeCommandRunner();
    const { logger, entries } = recordingLogger();
    const source = createGpuProcessSource({
      platform: 'linux',
      runner,
      docker: docker([]),
      logger,
      nowMs: () => now,
      recheckMissingMs: 60_000,
      openNvml: () => (opens++, noNvml()),
    });
    const reason = 'libnvidia-ml.so.1 not found (install the NVIDIA driver), and nvidia-smi is not installed either';
    expect(await source.read()).toEqual({ available: false, reason });
    now = 10_000;
    expect(await source.read()).toEqual({ available: false, reason });
    expect(runner.runs).toHaveLength(1);
    expect(opens).toBe(1);
    now = 70_000;
    await source.read();
    expect(opens).toBe(2);
    expect(entries).toEqual([]);
  });

  it('driver failure through pmon: unavailable with nvidia-smi\'s message', async () => {
    const runner = new FakeCommandRunner().on('nvidia-smi', null, {
      kind: 'exited',
      code: 9,
      stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n",
      stderr: '',
    });
    const source = createGpuProcessSource({ platform: 'linux', runner, docker: docker([]), logger: recordingLogger().logger, openNvml: noNvml });
    const reading = await source.read();
    expect(reading.available).toBe(false);
    if (!reading.available) expect(reading.reason).toMatch(/^libnvidia-ml\.so\.1 not found .*nvidia-smi pmon failed: .*driver/i);
  });

  it('an NVML session that fails is closed, and pmon answers meanwhile', async () => {
    let closed = 0;
    const procRoot = proc({ 200: { comm: 'game' } });
    const pmon = '# gpu pid type sm mem enc dec command\n# Idx # C/G % % % % name\n 0 200 G 12 1 - - game\n';
    const runner = new FakeCommandRunner().on('nvidia-smi', PMON_ARGS, exited(pmon)).on('nvidia-smi', GPU_INDEX_ARGS, exited(`0, ${UUID}\n`));
    const source = createGpuProcessSource({
      platform: 'linux',
      runner,
      docker: docker([]),
      logger: recordingLogger().logger,
      procRoot,
      openNvml: () => ({
        ok: true,
        session: {
          describe: 'NVML (fake)',
          read: () => {
            throw new Error('GPU is lost (NVML 15)');
          },
          close: () => void closed++,
        },
      }),
    });
    expect(await source.read()).toMatchObject({ available: true, via: 'nvidia-smi pmon (NVML failed: GPU is lost (NVML 15))', processes: [{ pid: 200, gpuPercent: 12 }] });
    expect(closed).toBe(1);
  });

  it('Docker unreachable: every GPU process counts as the owner’s (the safe side)', async () => {
    const procRoot = proc({ 100: { comm: 'python', cgroup: `0::/docker/${OURS}\n` } });
    const { logger, entries } = recordingLogger();
    const broken = { listContainers: async () => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')) };
    const source = createGpuProcessSource({
      platform: 'linux',
      runner: new FakeCommandRunner(),
      docker: broken,
      logger,
      procRoot,
      openNvml: nvmlWith([{ uuid: UUID, processes: [{ pid: 100, usedMiB: 4000, kind: 'compute' }], utilization: new Map() }]),
    });
    expect(await source.read()).toMatchObject({ available: true, processes: [{ pid: 100 }] });
    expect(entries[0]?.message).toMatch(/cannot list RigShift containers/);
  });

  it('reads names (comm, or argv[0] when comm was cut) and parent pids from /proc; knows the compositors', () => {
    const procRoot = proc({
      7: { comm: 'kwin_wayland_wr', cmdline: '/usr/bin/kwin_wayland_wrapper\0--xwayland\0' },
      8: { comm: 'Web Content', ppid: 3 },
      9: { comm: 'a) b (c', ppid: 55 },
    });
    expect(linuxProcessName(procRoot, 7)).toBe('kwin_wayland_wrapper');
    expect(linuxProcessName(procRoot, 8)).toBe('Web Content');
    expect(linuxProcessName(procRoot, 99)).toBeNull();
    expect(parentPid(procRoot, 8)).toBe(3);
    expect(parentPid(procRoot, 9)).toBe(55);
    for (const name of ['Xorg', 'Xwayland', 'gnome-shell', 'kwin_wayland', 'kwin_x11', 'Hyprland', 'sway', 'mutter', 'weston', 'cosmic-comp', '/usr/bin/Xwayland']) {
      expect(isCompositor(name)).toBe(true);
    }
    for (const name of ['eldenring.exe', 'gamescope', 'firefox', 'steam']) expect(isCompositor(name)).toBe(false);
  });
});

describe('createGpuProcessSource (Windows, until the PDH source is wired)', () => {
  const docker = (ids: string[]) => ({
    calls: [] as Array<Record<string, string>>,
    async listContainers(labels: Record<string, string>) {
      this.calls.push(labels);
      return ids.map((id) => ({ id, state: 'running', labels }));
    },
  });

  it('Windows: no cgroups to read; the WSL VM process is left out', async () => {
    const runner = new FakeCommandRunner().on(
      'C:\\Windows\\System32\\nvidia-smi.exe',
      COMPUTE_APPS_ARGS,
      exited(`5000, C:\\Games\\x\\game.exe, [N/A], ${UUID}\r\n6000, vmmemWSL, [N/A], ${UUID}\r\n`),
    );
    const engine = docker([]);
    const source = createGpuProcessSource({
      platform: 'win32',
      runner,
      docker: engine,
      logger: recordingLogger().logger,
      nvidiaSmi: 'C:\\Windows\\System32\\nvidia-smi.exe',
    });
    expect(await source.read()).toEqual({
      available: true,
      processes: [{ pid: 5000, name: 'C:\\Games\\x\\game.exe', gpuUuid: UUID, usedMiB: null }],
      via: 'nvidia-smi --query-compute-apps (compute processes only)',
    });
    expect(engine.calls).toEqual([]);
  });
});
