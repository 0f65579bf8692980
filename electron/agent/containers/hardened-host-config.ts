/**
 * The one hardened HostConfig every RigShift container is created with (benchmarks and
 * rental jobs alike), from sandbox.md section 3. What varies between callers is only what
 * they must size themselves (runtime, memory, CPUs, pids, tmpfs, open files, the network,
 * the workspace mounts, the GPU); everything that keeps the owner safe is fixed here, so a
 * caller cannot forget or weaken it:
 * - no privileges, every capability dropped, no-new-privileges (setuid binaries in the
 *   image gain nothing), Docker's default seccomp profile (we never pass seccomp=unconfined)
 *   and the default AppArmor profile (we never pass apparmor=unconfined);
 * - read-only root filesystem; the only writable places are size-capped tmpfs mounts
 *   (nosuid, nodev; their pages count against the memory limit) and mounts the caller
 *   passes explicitly (a job's own workspace); never Binds, never Devices;
 * - Memory = MemorySwap (no swap), OOM killer on, PidsLimit (fork bombs; runtime-aware,
 *   see hostPidsLimit), NanoCpus, nofile and core 0 (and optionally fsize) ulimits;
 * - json-file logs capped at 2 x 10 MiB (the default driver keeps them forever);
 * - no network unless the caller names one, private IPC, an init that reaps zombies, and
 *   no restart: a container we kill stays dead, and we remove it ourselves.
 */
import type Docker from 'dockerode';
import { MANAGED_LABEL, OWNER_PID_LABEL } from './owner-label';

export type OciRuntime = 'runc' | 'runsc';

const MiB = 1024 * 1024;

export const CONTAINER_LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } } as const;

export type HardenedNetwork = { mode: 'none' } | { mode: 'network'; networkName: string; dns: readonly string[] };

export interface HardenedHostConfigInput {
  runtime: OciRuntime;
  /** Memory limit in bytes; swap is the same figure, i.e. none. */
  memoryBytes: number;
  /** CPUs the container may use (NanoCpus = cpus * 1e9). */
  cpus: number;
  /** Processes the workload may have; what the host cgroup gets depends on the runtime (hostPidsLimit). */
  pidsLimit: number;
  /** Mount point -> options, each built with tmpfsOptions (so each has a size). */
  tmpfs: Record<string, string>;
  /** RLIMIT_NOFILE, soft = hard. */
  nofile: number;
  /** RLIMIT_FSIZE in bytes (largest file the container may write); none when omitted. */
  maxFileBytes?: number;
  /** /dev/shm size in bytes; the engine's default (64 MiB) when omitted. */
  shmBytes?: number;
  network: HardenedNetwork;
  /** The only host paths the container sees. */
  mounts?: Docker.MountSettings[];
  /** The one GPU the container gets, by UUID; none when omitted. */
  gpuUuid?: string;
}

/**
 * The host pids cgroup limit under runsc. gVisor (runsc 2022) puts the pids cgroup on the
 * sandbox itself, so it counts the Sentry's and the gofer's own host threads (Go runtime
 * threads, one per blocked syscall at busy times), not the job's tasks. Measured here
 * (Docker 20.10, runsc 2022, issue 4 adversarial suite): with PidsLimit 512 the Sentry is
 * refused a thread and the whole sandbox dies (exit 2, no output, ~1 s) with only ~50
 * sleeping tasks; with `--pids-limit 4096` 200 concurrent workers complete and a C fork
 * bomb ends OOM-killed (137). The job's own task count is still bounded, by the memory
 * limit (every task costs Sentry memory, charged to the container's memory cgroup) and by
 * gVisor's own task limit; 4096 only bounds how many host threads a sandbox may take.
 */
export const RUNSC_HOST_PIDS_LIMIT = 4096;

/**
 * PidsLimit for the engine: runc's pids cgroup counts the workload's processes, so the
 * caller's figure goes through unchanged; runsc's counts the sandbox's host threads, so
 * it is raised to RUNSC_HOST_PIDS_LIMIT (never lowered).
 */
export function hostPidsLimit(runtime: OciRuntime, pidsLimit: number): number {
  return runtime === 'runsc' ? Math.max(pidsLimit, RUNSC_HOST_PIDS_LIMIT) : pidsLimit;
}

/**
 * tmpfs mount options with a mandatory size. Linux reads size=0 as "no limit", so a zero
 * or negative size is a bug, never a choice. `exec: false` adds noexec; jobs need exec
 * (JIT caches of CUDA/Triton/Python land in /tmp), while it buys nothing against a stranger
 * who already picks every binary in the image.
 */
export function tmpfsOptions(sizeBytes: number, options: { exec: boolean }): string {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new Error(`tmpfs size must be a positive number of bytes, got ${sizeBytes}`);
  }
  const size = sizeBytes % MiB === 0 ? `${sizeBytes / MiB}m` : String(sizeBytes);
  return ['rw', 'nosuid', 'nodev', ...(options.exec ? [] : ['noexec']), `size=${size}`].join(',');
}

export function buildHardenedHostConfig(input: HardenedHostConfigInput): Docker.HostConfig {
  if (!Number.isSafeInteger(input.memoryBytes) || input.memoryBytes <= 0) {
    throw new Error(`memory limit must be a positive number of bytes, got ${input.memoryBytes}`);
  }
  if (!(input.cpus > 0) || !Number.isFinite(input.cpus)) throw new Error(`cpus must be positive, got ${input.cpus}`);
  if (!Number.isSafeInteger(input.pidsLimit) || input.pidsLimit <= 0) {
    // PidsLimit 0 or -1 means "unlimited" to the engine.
    throw new Error(`pids limit must be a positive integer, got ${input.pidsLimit}`);
  }
  for (const [target, options] of Object.entries(input.tmpfs)) {
    if (!/(^|,)size=[1-9][0-9]*[kmg]?(,|$)/.test(options)) throw new Error(`tmpfs ${target} has no size limit`);
  }
  const ulimits = [
    { Name: 'nofile', Soft: input.nofile, Hard: input.nofile },
    { Name: 'core', Soft: 0, Hard: 0 },
  ];
  if (input.maxFileBytes !== undefined) ulimits.push({ Name: 'fsize', Soft: input.maxFileBytes, Hard: input.maxFileBytes });

  return {
    Runtime: input.runtime,
    Privileged: false,
    CapDrop: ['ALL'],
    CapAdd: [],
    SecurityOpt: ['no-new-privileges:true'],
    ReadonlyRootfs: true,
    Tmpfs: { ...input.tmpfs },
    PidsLimit: hostPidsLimit(input.runtime, input.pidsLimit),
    Memory: input.memoryBytes,
    MemorySwap: input.memoryBytes,
    OomKillDisable: false,
    NanoCpus: Math.round(input.cpus * 1e9),
    Ulimits: ulimits,
    LogConfig: { Type: CONTAINER_LOG_CONFIG.Type, Config: { ...CONTAINER_LOG_CONFIG.Config } },
    NetworkMode: input.network.mode === 'none' ? 'none' : input.network.networkName,
    ...(input.network.mode === 'network' ? { Dns: [...input.network.dns] } : {}),
    IpcMode: 'private',
    ...(input.shmBytes !== undefined ? { ShmSize: input.shmBytes } : {}),
    Init: true,
    RestartPolicy: { Name: 'no' },
    AutoRemove: false, // we remove it ourselves after reading the exit code
    Binds: [],
    Mounts: (input.mounts ?? []).map((mount) => ({ ...mount })),
    Devices: [],
    ...(input.gpuUuid !== undefined ? { DeviceRequests: gpuDeviceRequests(input.gpuUuid) } : {}),
  };
}

/** The GPU pinned by UUID with the minimum capabilities (sandbox.md section 1). */
export function gpuDeviceRequests(gpuUuid: string): Docker.DeviceRequest[] {
  return [{ Driver: 'nvidia', DeviceIDs: [gpuUuid], Capabilities: [['gpu', 'compute', 'utility']] }];
}

/**
 * Container Env overrides image ENV, and of two equal names in Env the last wins: put
 * these last, and an image or a job can never widen the GPU set or the driver capabilities
 * (graphics/display would mount more host libraries into the container).
 */
export function gpuEnv(gpuUuid: string): string[] {
  return [`NVIDIA_VISIBLE_DEVICES=${gpuUuid}`, 'NVIDIA_DRIVER_CAPABILITIES=compute,utility'];
}

/** The labels that mark our containers for the orphan sweep (see owner-label.ts). */
export function managedLabels(ownerPid: number): Record<string, string> {
  return { [MANAGED_LABEL]: 'true', [OWNER_PID_LABEL]: String(ownerPid) };
}

/** Output attached for log streaming; no stdin, no TTY. */
export const ATTACH_OUTPUT_ONLY = {
  AttachStdin: false,
  AttachStdout: true,
  AttachStderr: true,
  Tty: false,
  OpenStdin: false,
} as const;
