/**
 * Processes using an NVIDIA GPU that are neither RigShift rentals nor the desktop itself.
 *
 * Linux (issue 14): NVML through koffi (nvml.ts) lists graphics and compute processes per
 * GPU with each one's share of the GPU; where NVML cannot be loaded, `nvidia-smi pmon -c 1`
 * (pmon.ts) gives the same. Games are graphics processes, which the former
 * `--query-compute-apps` query never listed. Left out:
 *  - the compositor / display server (Xorg, Xwayland, gnome-shell, kwin, Hyprland, sway…):
 *    it draws the desktop all the time and says nothing about a game;
 *  - this process and its children (the desktop app's own GPU process);
 *  - processes in our own containers, by cgroup: /proc/<pid>/cgroup names the container
 *    (cgroup v1 "/docker/<id>", v2 "/system.slice/docker-<id>.scope", or nested paths); a
 *    process in a container labelled io.rigshift.managed=true is ours.
 * The engine then pauses for any process at or over the owner's threshold (percent).
 *
 * Windows: rental containers run inside the WSL2 VM, whose processes the host cannot see
 * (no /proc, pids of another kernel; under WDDM per-process memory reads "N/A"). There
 * node-presence-sources.ts uses the PDH "GPU Engine" counters (windows/windows-presence.ts),
 * which see graphics processes too; this file's Windows path (the compute-only nvidia-smi
 * query, with the WSL VM's own processes, vmmem/vmmemWSL, left out) remains only for when
 * koffi cannot load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvCells, csvLines, isNoValue, nvidiaSmiFailure } from '../gpu/nvidia-smi-csv';
import { openNvml, type NvmlOpen, type NvmlSession } from './nvml';
import { GPU_INDEX_ARGS, parseGpuIndexes, parsePmon, PMON_ARGS } from './pmon';
import { argv0Name, baseName } from './process-watch';
import { MANAGED_LABEL } from '../containers/owner-label';
import type { CommandRunner, ContainerRuntime, Logger } from '../ports';
import type { GpuForeignProcess, GpuProcessSource, GpuUseReading } from './presence-ports';

export const COMPUTE_APPS_ARGS = [
  '--query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid',
  '--format=csv,noheader,nounits',
];

/** The WSL2 VM's host processes: rentals run in there, so they are never "the owner". */
export const WINDOWS_VM_PROCESSES = ['vmmem', 'vmmem.exe', 'vmmemwsl', 'vmmemwsl.exe'];

const COMMAND_TIMEOUT_MS = 5_000;

/**
 * "1234, /usr/bin/python3, 2048, GPU-..." per line. The pid is the first cell and memory and
 * UUID the last two, so a process name containing ", " stays whole. Lines that are not that
 * shape (messages) are skipped.
 */
export function parseComputeApps(stdout: string): GpuForeignProcess[] {
  const processes: GpuForeignProcess[] = [];
  for (const line of csvLines(stdout)) {
    const cells = csvCells(line);
    if (cells.length < 4) continue;
    const pid = Number(cells[0]);
    const uuid = cells[cells.length - 1] ?? '';
    const memory = cells[cells.length - 2] ?? '';
    if (!Number.isInteger(pid) || pid < 0 || !/^(GPU|MIG)-/.test(uuid)) continue;
    const usedMiB = isNoValue(memory) ? null : Number(memory.replace(/\s*MiB$/, ''));
    processes.push({
      pid,
      name: cells.slice(1, -2).join(', '),
      gpuUuid: uuid,
      usedMiB: usedMiB === null || Number.isNaN(usedMiB) ? null : usedMiB,
    });
  }
  return processes;
}

/** 64-hex container ids mentioned in a /proc/<pid>/cgroup file. */
export function containerIdsInCgroup(cgroup: string): string[] {
  return [...new Set(cgroup.match(/[0-9a-f]{64}/g) ?? [])];
}

/** Result of looking a pid up: in one of our containers, elsewhere, or gone meanwhile. */
export type CgroupLookup = 'ours' | 'foreign' | 'gone';

export function lookUpCgroup(procRoot: string, pid: number, ourIds: ReadonlySet<string>): CgroupLookup {
  let text: string;
  try {
    text = readFileSync(join(procRoot, String(pid), 'cgroup'), 'utf8');
  } catch (error) {
    // ENOENT: it exited between nvidia-smi and now. Anything else: cannot tell, so foreign.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'foreign';
  }
  return containerIdsInCgroup(text).some((id) => ourIds.has(id)) ? 'ours' : 'foreign';
}

export interface GpuProcessSourceOptions {
  platform: NodeJS.Platform;
  runner: CommandRunner;
  docker: Pick<ContainerRuntime, 'listContainers'>;
  logger: Logger;
  /** nvidia-smi's path (see gpu/locate-nvidia-smi.ts); default "nvidia-smi" on PATH. */
  nvidiaSmi?: string;
  procRoot?: string;
  nowMs?: () => number;
  /** How long "nvidia-smi is not installed" / "NVML cannot load" is believed before looking again. */
  recheckMissingMs?: number;
  /** Opens NVML (Linux); injectable so tests never touch the real library. */
  openNvml?: () => NvmlOpen;
  /** This process: it and its children (Electron's GPU process) are not "the owner". */
  selfPid?: number;
}

/** Display servers and compositors: always on the GPU, never a sign of a game. Lower case. */
export const COMPOSITOR_NAMES: ReadonlySet<string> = new Set([
  'xorg',
  'x',
  'xwayland',
  'gnome-shell',
  'mutter',
  'kwin',
  'kwin_wayland',
  'kwin_x11',
  'kwin_wayland_wrapper',
  'hyprland',
  'sway',
  'weston',
  'cosmic-comp',
  'wayfire',
  'labwc',
  'river',
  'niri',
  'gala',
  'budgie-wm',
  'xfwm4',
  'marco',
  'muffin',
  'cinnamon',
  'picom',
  'compton',
  'enlightenment',
  'kwin_wayland_w', // comm cut to 15 characters
]);

export const isCompositor = (name: string): boolean => COMPOSITOR_NAMES.has(baseName(name).toLowerCase());

/** The process's name: comm, or argv[0]'s basename when comm was cut at 15 characters. */
export function linuxProcessName(procRoot: string, pid: number): string | null {
  try {
    const comm = readFileSync(join(procRoot, String(pid), 'comm'), 'utf8').trim();
    if (comm.length < 15) return comm;
    const argv0 = argv0Name(readFileSync(join(procRoot, String(pid), 'cmdline'), 'utf8'));
    return argv0.toLowerCase().startsWith(comm.toLowerCase()) ? argv0 : comm;
  } catch {
    return null;
  }
}

/** The parent pid from /proc/<pid>/stat ("pid (comm) state ppid …"; comm may hold spaces and parens). */
export function parentPid(procRoot: string, pid: number): number | null {
  try {
    const stat = readFileSync(join(procRoot, String(pid), 'stat'), 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

/** Nothing on the GPU right now, as read through one of the ways. */
interface RawProcess {
  pid: number;
  name: string | null;
  gpuUuid: string;
  usedMiB: number | null;
  gpuPercent: number | null;
}

export function createGpuProcessSource(options: GpuProcessSourceOptions): GpuProcessSource {
  const { platform, runner, docker, logger } = options;
  const nvidiaSmi = options.nvidiaSmi ?? 'nvidia-smi';
  const procRoot = options.procRoot ?? '/proc';
  const nowMs = options.nowMs ?? (() => performance.now());
  const recheckMissingMs = options.recheckMissingMs ?? 60_000;
  const selfPid = options.selfPid ?? process.pid;
  const open = options.openNvml ?? (() => openNvml());
  let missingSince: number | null = null;
  let lastProblem = '';
  let nvml: NvmlSession | null = null;
  let nvmlReason: string | null = null;
  let nvmlTriedAt: number | null = null;
  let gpuIndexes: Map<number, string> | null = null;

  const problem = (message: string) => {
    if (message !== lastProblem) logger.warn(`GPU process check: ${message}`);
    lastProblem = message;
  };

  async function managedContainerIds(): Promise<Set<string> | null> {
    try {
      const containers = await docker.listContainers({ [MANAGED_LABEL]: 'true' });
      return new Set(containers.map((c) => c.id));
    } catch (error) {
      problem(`cannot list RigShift containers, counting every GPU process as the owner's (${(error as Error).message})`);
      return null;
    }
  }

  async function smi(args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; missing: boolean; reason: string }> {
    const result = await runner.run(nvidiaSmi, args, { timeoutMs: COMMAND_TIMEOUT_MS });
    if (result.kind === 'missing') return { ok: false, missing: true, reason: 'nvidia-smi is not installed' };
    if (result.kind !== 'exited') return { ok: false, missing: false, reason: `nvidia-smi ${result.kind === 'error' ? result.message : result.kind}` };
    const failure = nvidiaSmiFailure(`${result.stdout}\n${result.stderr}`);
    if (failure || result.code !== 0) return { ok: false, missing: false, reason: failure?.message ?? `nvidia-smi exited with ${result.code}` };
    return { ok: true, stdout: result.stdout };
  }

  /** NVML when it loads (tried again every recheckMissingMs after a failure). */
  function nvmlSession(): NvmlSession | null {
    if (nvml) return nvml;
    if (nvmlTriedAt !== null && nowMs() - nvmlTriedAt < recheckMissingMs) return null;
    nvmlTriedAt = nowMs();
    const opened = open();
    if (opened.ok) {
      nvml = opened.session;
      nvmlReason = null;
      return nvml;
    }
    nvmlReason = opened.reason;
    return null;
  }

  async function readLinux(): Promise<{ raw: RawProcess[]; via: string } | { reason: string }> {
    const session = nvmlSession();
    if (session) {
      try {
        const raw = session.read().flatMap((device) =>
          device.processes.map((p) => ({
            pid: p.pid,
            name: null,
            gpuUuid: device.uuid,
            usedMiB: p.usedMiB,
            gpuPercent: device.utilization ? (device.utilization.get(p.pid) ?? 0) : null,
          })),
        );
        return { raw, via: session.describe };
      } catch (error) {
        // A driver update under a running session, a lost GPU: drop it and open again later.
        session.close();
        nvml = null;
        nvmlReason = `NVML failed: ${(error as Error).message}`;
        nvmlTriedAt = nowMs();
      }
    }
    const why = nvmlReason ?? 'NVML is not loaded';
    if (missingSince !== null && nowMs() - missingSince < recheckMissingMs) {
      return { reason: `${why}, and nvidia-smi is not installed either` };
    }
    const pmon = await smi(PMON_ARGS);
    if (!pmon.ok) {
      if (pmon.missing) missingSince = nowMs();
      return { reason: `${why}, and ${pmon.missing ? 'nvidia-smi is not installed either' : `nvidia-smi pmon failed: ${pmon.reason}`}` };
    }
    missingSince = null;
    const processes = parsePmon(pmon.stdout);
    if (processes.some((p) => !gpuIndexes?.has(p.gpuIndex))) {
      const indexes = await smi(GPU_INDEX_ARGS);
      gpuIndexes = indexes.ok ? parseGpuIndexes(indexes.stdout) : gpuIndexes;
    }
    const raw = processes.flatMap((p) => {
      const gpuUuid = gpuIndexes?.get(p.gpuIndex);
      return gpuUuid ? [{ pid: p.pid, name: p.name, gpuUuid, usedMiB: null, gpuPercent: p.smPercent }] : [];
    });
    return { raw, via: `nvidia-smi pmon (${why})` };
  }

  async function readComputeApps(): Promise<GpuUseReading> {
    if (missingSince !== null && nowMs() - missingSince < recheckMissingMs) return { available: false, reason: 'nvidia-smi is not installed' };
    const result = await smi(COMPUTE_APPS_ARGS);
    if (!result.ok) {
      if (result.missing) missingSince = nowMs();
      else problem(result.reason);
      return { available: false, reason: result.reason };
    }
    missingSince = null;
    lastProblem = '';
    let processes = parseComputeApps(result.stdout);
    if (platform === 'win32') {
      processes = processes.filter((p) => !WINDOWS_VM_PROCESSES.includes(baseName(p.name).toLowerCase()));
    }
    return { available: true, processes, via: 'nvidia-smi --query-compute-apps (compute processes only)' };
  }

  return {
    async read() {
      if (platform !== 'linux') return readComputeApps();
      const reading = await readLinux();
      if ('reason' in reading) return { available: false, reason: reading.reason };
      lastProblem = '';
      const candidates = reading.raw
        .map((p) => ({ ...p, name: p.name ?? linuxProcessName(procRoot, p.pid) }))
        // No name: it exited between the list and now.
        .filter((p): p is RawProcess & { name: string } => p.name !== null)
        .filter((p) => !isCompositor(p.name) && p.pid !== selfPid && parentPid(procRoot, p.pid) !== selfPid);
      if (candidates.length === 0) return { available: true, processes: [], via: reading.via };
      const ours = await managedContainerIds();
      const processes = candidates
        .filter((p) => !ours || lookUpCgroup(procRoot, p.pid, ours) === 'foreign')
        .map(({ pid, name, gpuUuid, usedMiB, gpuPercent }) => ({ pid, name, gpuUuid, usedMiB, gpuPercent }));
      return { available: true, processes, via: reading.via };
    },
  };
}
