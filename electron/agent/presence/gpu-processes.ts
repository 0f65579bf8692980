/**
 * Processes using the NVIDIA GPU that are not RigShift rentals.
 *
 * `nvidia-smi --query-compute-apps` lists CUDA/compute clients only (games are graphics
 * clients and mostly do not appear; the process watch list and the full-screen check cover
 * those). No nvidia-smi → empty list, not an error (the GPU checks report a missing driver).
 *
 * Rentals are recognised on Linux by cgroup: each process's /proc/<pid>/cgroup names the
 * container it runs in (cgroup v1 "/docker/<id>", v2 "/system.slice/docker-<id>.scope", or
 * nested paths); a process in a container labelled io.rigshift.managed=true is ours.
 *
 * Windows / WSL limitation: rental containers run inside the WSL2 VM. The host's
 * nvidia-smi.exe cannot see into the VM's processes (no /proc, pids of another kernel), and
 * under WDDM per-process memory reads "N/A". So on Windows nothing can be matched to a
 * container; the WSL VM's own processes (vmmem, vmmemWSL) are left out, which also hides
 * any GPU work the owner runs in WSL. On Windows node-presence-sources.ts uses the "GPU
 * Engine" performance counters instead (windows/windows-presence.ts), which see graphics
 * processes too; this nvidia-smi query remains there only for when koffi cannot load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvCells, csvLines, isNoValue, nvidiaSmiFailure } from '../gpu/nvidia-smi-csv';
import { MANAGED_LABEL } from '../containers/owner-label';
import type { CommandRunner, ContainerRuntime, Logger } from '../ports';
import type { GpuForeignProcess, GpuProcessSource } from './presence-ports';

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
  /** How long "nvidia-smi is not installed" is believed before looking again. */
  recheckMissingMs?: number;
}

export function createGpuProcessSource(options: GpuProcessSourceOptions): GpuProcessSource {
  const { platform, runner, docker, logger } = options;
  const nvidiaSmi = options.nvidiaSmi ?? 'nvidia-smi';
  const procRoot = options.procRoot ?? '/proc';
  const nowMs = options.nowMs ?? (() => performance.now());
  const recheckMissingMs = options.recheckMissingMs ?? 60_000;
  let missingSince: number | null = null;
  let lastProblem = '';

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

  return {
    async read() {
      if (missingSince !== null && nowMs() - missingSince < recheckMissingMs) return [];
      const result = await runner.run(nvidiaSmi, COMPUTE_APPS_ARGS, { timeoutMs: COMMAND_TIMEOUT_MS });
      if (result.kind === 'missing') {
        missingSince = nowMs();
        return [];
      }
      missingSince = null;
      if (result.kind !== 'exited') {
        problem(`nvidia-smi ${result.kind === 'error' ? result.message : result.kind}`);
        return [];
      }
      const failure = nvidiaSmiFailure(`${result.stdout}\n${result.stderr}`);
      if (failure || result.code !== 0) {
        problem(failure?.message ?? `nvidia-smi exited with ${result.code}`);
        return [];
      }
      lastProblem = '';
      const processes = parseComputeApps(result.stdout);
      if (processes.length === 0) return [];
      if (platform === 'win32') {
        return processes.filter((p) => !WINDOWS_VM_PROCESSES.includes(p.name.split(/[\\/]/).pop()!.toLowerCase()));
      }
      if (platform !== 'linux') return processes;
      const ours = await managedContainerIds();
      if (!ours) return processes;
      return processes.filter((p) => lookUpCgroup(procRoot, p.pid, ours) === 'foreign');
    },
  };
}
