/**
 * The exact Engine API create request for a benchmark container. Pure, so every hardening
 * field is unit-tested (sandbox.md section 3); the GPU is pinned by UUID (section 1).
 */
import {
  ATTACH_OUTPUT_ONLY,
  buildHardenedHostConfig,
  gpuEnv,
  tmpfsOptions,
  type OciRuntime,
} from '../containers/hardened-host-config';
import { MANAGED_LABEL } from '../containers/owner-label';
import type { ContainerCreateOptions } from '../ports';

export type { OciRuntime } from '../containers/hardened-host-config';
export type BenchmarkContainerInput = { kind: 'cpu' } | { kind: 'gpu'; gpuUuid: string };

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
  const create: ContainerCreateOptions = {
    Image: image,
    Cmd: options.cmd ?? [],
    // The benchmark image is ours, but the GPU env still goes through the shared rule.
    Env: input.kind === 'gpu' ? gpuEnv(input.gpuUuid) : [],
    User: '10001:10001',
    WorkingDir: '/tmp',
    Labels: { ...labels, ...BENCHMARK_LABELS },
    NetworkDisabled: true,
    ...ATTACH_OUTPUT_ONLY,
    HostConfig: buildHardenedHostConfig({
      runtime,
      memoryBytes: limits.memoryBytes,
      cpus: limits.cpus,
      pidsLimit: 256,
      // The workloads only keep a few result files; they never need to exec from /tmp.
      tmpfs: { '/tmp': tmpfsOptions(64 * MiB, { exec: false }) },
      nofile: 1024,
      network: { mode: 'none' },
      ...(input.kind === 'gpu' ? { gpuUuid: input.gpuUuid } : {}),
    }),
  };
  if (options.name) create.name = options.name;
  return create;
}

/** runsc only when the engine has it registered and the owner allows it; otherwise runc. */
export function chooseRuntime(registered: readonly string[], preferGvisor: boolean): OciRuntime {
  return preferGvisor && registered.includes('runsc') ? 'runsc' : 'runc';
}
