/**
 * The exact Engine API create request for a rental job: a validated JobSpec plus what the
 * agent decided (device, runtime, user, workspace, network) go in; the hardened HostConfig
 * (../containers/hardened-host-config.ts) comes out with only these job-sized parts:
 *   Memory = MemorySwap   <- resources.memoryMiB
 *   NanoCpus              <- resources.cpus
 *   PidsLimit             <- JOB_PIDS_LIMIT under runc, RUNSC_HOST_PIDS_LIMIT under runsc
 *   Tmpfs /scratch        <- resources.scratchMiB (absent when 0: size=0 means unlimited)
 *   Ulimits fsize         <- the largest of the output cap, /scratch and /tmp
 *   NetworkMode (+ Dns)   <- the network the agent created, or none
 *   Mounts                <- the job's own workspace: in/ read-only, out/ read-write
 *   DeviceRequests        <- the one GPU, by UUID
 * Nothing else in the spec can reach the HostConfig; the spec's image, entrypoint, command
 * and env go to the container config, where they are the renter's own business.
 * Pure, so every field is unit-tested.
 */
import type Docker from 'dockerode';
import { ENV_NAME, refusedEnvReason } from '../../../shared/domain/job-spec-validation';
import type { JobSpec } from '../../../shared/domain/job';
import {
  ATTACH_OUTPUT_ONLY,
  buildHardenedHostConfig,
  gpuEnv,
  managedLabels,
  tmpfsOptions,
  type OciRuntime,
} from '../containers/hardened-host-config';
import type { ContainerCreateOptions } from '../ports';

export const JOB_ROLE_LABEL = 'io.rigshift.role';
export const JOB_ID_LABEL = 'io.rigshift.job-id';

export const JOB_WORKDIR = '/workspace';
export const JOB_INPUTS_PATH = '/workspace/in';
export const JOB_OUTPUTS_PATH = '/workspace/out';
export const JOB_SCRATCH_PATH = '/scratch';
export const JOB_HOSTNAME = 'job';

/**
 * Fork-bomb stop; generous for data loaders and compilers with worker pools. This is the
 * PidsLimit under runc; under runsc the host cgroup counts the gVisor sandbox's own threads
 * instead, and the hardened builder raises it (hostPidsLimit in hardened-host-config.ts).
 */
export const JOB_PIDS_LIMIT = 512;
export const JOB_NOFILE = 4096;
export const JOB_TMP_BYTES = 64 * 1024 * 1024;
/** /dev/shm (PyTorch data loaders use it); also counted in the memory limit. */
export const JOB_SHM_BYTES = 64 * 1024 * 1024;

/**
 * Resolvers for egress jobs. The engine's DNS forwards from inside the job's network
 * namespace, so the home router (the host's usual resolver) is behind the egress firewall
 * and unreachable; and a job must not query the LAN's names anyway (sandbox.md section 3).
 */
export const EGRESS_DNS_SERVERS = ['1.1.1.1', '9.9.9.9'] as const;

const MiB = 1024 * 1024;

export type JobDeviceChoice = { kind: 'cpu' } | { kind: 'gpu'; gpuUuid: string };
export type JobNetworkChoice = { mode: 'none' } | { mode: 'egress'; networkName: string };

export interface JobContainerInput {
  jobId: string;
  spec: JobSpec;
  device: JobDeviceChoice;
  runtime: OciRuntime;
  workspace: { inputsDir: string; outputsDir: string };
  /** Numeric `uid:gid` (or `uid`), never root. */
  user: string;
  network: JobNetworkChoice;
  /** The agent that owns the container (orphan sweep); this process when omitted. */
  ownerPid?: number;
}

export function buildJobContainerOptions(input: JobContainerInput): ContainerCreateOptions {
  const { spec, device } = input;
  assertUnprivilegedUser(input.user);
  assertHostFolder(input.workspace.inputsDir, 'inputs');
  assertHostFolder(input.workspace.outputsDir, 'outputs');
  if (input.workspace.inputsDir === input.workspace.outputsDir) throw new Error('inputs and outputs must be different folders');

  const memoryBytes = spec.resources.memoryMiB * MiB;
  const scratchBytes = spec.resources.scratchMiB * MiB;
  const tmpfs: Record<string, string> = { '/tmp': tmpfsOptions(JOB_TMP_BYTES, { exec: true }) };
  if (scratchBytes > 0) tmpfs[JOB_SCRATCH_PATH] = tmpfsOptions(scratchBytes, { exec: true });

  return {
    Image: spec.image,
    ...(spec.entrypoint !== undefined ? { Entrypoint: [...spec.entrypoint] } : {}),
    ...(spec.command !== undefined ? { Cmd: [...spec.command] } : {}),
    Env: jobEnv(spec, device, scratchBytes > 0),
    User: input.user,
    WorkingDir: JOB_WORKDIR,
    Hostname: JOB_HOSTNAME,
    StopSignal: 'SIGTERM',
    Labels: {
      ...managedLabels(input.ownerPid ?? process.pid),
      [JOB_ROLE_LABEL]: 'job',
      [JOB_ID_LABEL]: input.jobId,
    },
    NetworkDisabled: input.network.mode === 'none',
    ...ATTACH_OUTPUT_ONLY,
    HostConfig: buildHardenedHostConfig({
      runtime: input.runtime,
      memoryBytes,
      cpus: spec.resources.cpus,
      pidsLimit: JOB_PIDS_LIMIT,
      tmpfs,
      nofile: JOB_NOFILE,
      // Out/ is a host folder: no single file may outgrow the output cap, while files in
      // the tmpfs mounts (already size-capped) may still use all of their space.
      maxFileBytes: Math.max(spec.outputs.maxTotalBytes, scratchBytes, JOB_TMP_BYTES),
      shmBytes: JOB_SHM_BYTES,
      network:
        input.network.mode === 'none'
          ? { mode: 'none' }
          : { mode: 'network', networkName: input.network.networkName, dns: EGRESS_DNS_SERVERS },
      mounts: [
        workspaceMount(input.workspace.inputsDir, JOB_INPUTS_PATH, true),
        workspaceMount(input.workspace.outputsDir, JOB_OUTPUTS_PATH, false),
      ],
      ...(device.kind === 'gpu' ? { gpuUuid: device.gpuUuid } : {}),
    }),
  };
}

/**
 * HOME first (the job user has no passwd entry, so the engine would make it "/", which is
 * read-only and breaks every tool that keeps a cache), then the job's env, then ours.
 * The validator refuses NVIDIA_*, CUDA_VISIBLE_DEVICES and LD_*; they are dropped here too,
 * and ours come last so they also beat the image's ENV. A CPU job gets
 * NVIDIA_VISIBLE_DEVICES=void: even on a host where the NVIDIA hook runs for every
 * container, a CUDA image's `ENV NVIDIA_VISIBLE_DEVICES=all` then gets no GPU.
 */
function jobEnv(spec: JobSpec, device: JobDeviceChoice, hasScratch: boolean): string[] {
  const fromJob = Object.entries(spec.env ?? {})
    .filter(([name, value]) => ENV_NAME.test(name) && refusedEnvReason(name) === null && !value.includes('\0'))
    .map(([name, value]) => `${name}=${value}`);
  const ours = device.kind === 'gpu' ? gpuEnv(device.gpuUuid) : ['NVIDIA_VISIBLE_DEVICES=void'];
  return [`HOME=${hasScratch ? JOB_SCRATCH_PATH : '/tmp'}`, ...fromJob, ...ours];
}

/** A plain bind of one of the job's own folders; private propagation, so no host mount leaks in later. */
function workspaceMount(source: string, target: string, readOnly: boolean): Docker.MountSettings {
  return { Type: 'bind', Source: source, Target: target, ReadOnly: readOnly, BindOptions: { Propagation: 'rprivate' } };
}

function assertUnprivilegedUser(user: string): void {
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!match) throw new Error(`job user must be a numeric uid[:gid], got "${user}"`);
  if (Number(match[1]) === 0 || Number(match[2] ?? match[1]) === 0) throw new Error('jobs never run as root');
}

/** An absolute path below a root, without "." or ".." (mounting "/" or a drive root would hand over the host). */
function assertHostFolder(path: string, what: string): void {
  const windowsDrive = /^[A-Za-z]:[\\/]/.exec(path);
  if (!path.startsWith('/') && !windowsDrive) throw new Error(`the job's ${what} folder must be an absolute path, got "${path}"`);
  const segments = path.slice(windowsDrive ? 3 : 1).split(/[\\/]/).filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..')) {
    throw new Error(`the job's ${what} folder must be a plain folder below a root, got "${path}"`);
  }
}
