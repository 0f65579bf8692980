/**
 * The exact Engine API create request for a benchmark container. Pure, so every hardening
 * field is unit-tested (sandbox.md section 3); the GPU is pinned by UUID (section 1).
 */
import { MANAGED_LABEL } from '../containers/owner-label';
import type { ContainerCreateOptions } from '../ports';

export type BenchmarkContainerInput = { kind: 'cpu' } | { kind: 'gpu'; gpuUuid: string };
export type OciRuntime = 'runc' | 'runsc';

export const BENCHMARK_LABELS = { [MANAGED_LABEL]: 'true', 'io.rigshift.role': 'benchmark' } as const;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface BenchmarkLimits {
  /** CPUs the container may use (NanoCpus = cpus * 1e9). */
  cpus: number;
  /** Memory limit in bytes; swap is the same figure, i.e. no swap. */
  memoryBytes: number;
}

/**
 * Defaults: the CPU workload runs an SGEMM on every core and copies buffers of up to ~1 GiB
 * plus a 512 MiB RAM pattern check; the GPU workload needs a core for the driver and pinned
 * host buffers (2 x 256 MiB) next to the CUDA context.
 */
export function defaultBenchmarkLimits(kind: 'cpu' | 'gpu', hostCpus: number): BenchmarkLimits {
  const cpus = Math.max(1, Math.floor(hostCpus));
  return kind === 'cpu' ? { cpus, memoryBytes: 3 * GiB } : { cpus: Math.min(cpus, 2), memoryBytes: 4 * GiB };
}

export function benchmarkCommand(quick: boolean): string[] {
  return quick ? ['--quick'] : [];
}

export function buildBenchmarkContainerOptions(
  input: BenchmarkContainerInput,
  image: string,
  runtime: OciRuntime,
  labels: Record<string, string>,
  options: { limits?: BenchmarkLimits; cmd?: string[]; name?: string } = {},
): ContainerCreateOptions {
  const limits = options.limits ?? defaultBenchmarkLimits(input.kind, 1);
  // Container Env overrides image ENV: an image can never widen the GPU set or the
  // driver capabilities (graphics/display would mount more host libraries).
  const env =
    input.kind === 'gpu'
      ? [`NVIDIA_VISIBLE_DEVICES=${input.gpuUuid}`, 'NVIDIA_DRIVER_CAPABILITIES=compute,utility']
      : [];
  const create: ContainerCreateOptions = {
    Image: image,
    Cmd: options.cmd ?? [],
    Env: env,
    User: '10001:10001',
    WorkingDir: '/tmp',
    Labels: { ...labels, ...BENCHMARK_LABELS },
    NetworkDisabled: true,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      Runtime: runtime,
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: [],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,noexec,size=64m' },
      PidsLimit: 256,
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      OomKillDisable: false,
      NanoCpus: Math.round(limits.cpus * 1e9),
      Ulimits: [
        { Name: 'nofile', Soft: 1024, Hard: 1024 },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
      NetworkMode: 'none',
      IpcMode: 'private',
      Init: true,
      RestartPolicy: { Name: 'no' },
      AutoRemove: false, // we remove it ourselves after reading the exit code
      Binds: [],
      Mounts: [],
      Devices: [],
      ...(input.kind === 'gpu'
        ? {
            DeviceRequests: [
              { Driver: 'nvidia', DeviceIDs: [input.gpuUuid], Capabilities: [['gpu', 'compute', 'utility']] },
            ],
          }
        : {}),
    },
  };
  if (options.name) create.name = options.name;
  return create;
}

/** runsc only when the engine has it registered and the owner allows it; otherwise runc. */
export function chooseRuntime(registered: readonly string[], preferGvisor: boolean): OciRuntime {
  return preferGvisor && registered.includes('runsc') ? 'runsc' : 'runc';
}
