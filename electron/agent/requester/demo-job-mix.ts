/**
 * What the demo requester posts: a realistic mix of short jobs. Pure (the random source is
 * passed in), so the mix itself is unit-testable.
 *   - CPU jobs of 10 to 90 s: hashing, compression, a prime sieve (rigshift/demo-job);
 *   - GPU jobs (the GPU benchmark's kernels for 10 to 40 s) only where an NVIDIA GPU exists;
 *   - about one in four preemptible;
 *   - max prices spread from 0.05 to 0.60 USD per hour, around typical owner floors, so
 *     some jobs are above a provider's floor and some below.
 * Deterministic jobs (`deterministic: true`, what a v2 requester replicates or disputes): CPU
 * hashing or primes for a fixed number of rounds (demo-job's rounds=<n>), so every replica's
 * outputs, and so their digests, are the same; never GPU (its figures vary), never preemptible.
 * Starter jobs (`starter: true`, what the requester posts until a provider claims its first
 * job): 10 s CPU hashing at the top of the price range, never preemptible, so a newcomer's
 * first job fits whatever floor they chose within the range and is paid within a minute of
 * "Start renting" (issue 13: time to first money).
 */
import type { JobSpec } from '../../../shared/domain/job';

export const DEMO_WORKLOADS = ['hash', 'compress', 'primes'] as const;
export type DemoWorkload = (typeof DEMO_WORKLOADS)[number] | 'gpu-bench';
/** The workloads with a fixed-rounds mode (compress writes gzip headers, which carry a time). */
const DETERMINISTIC_WORKLOADS = ['hash', 'primes'] as const;

/**
 * Rounds for about `workSeconds` of work on a slow machine: a hash round (sha256 over 200k
 * numbers) takes well under a second, a primes round (a sieve up to 800k in awk) a few.
 */
export function deterministicRounds(workload: DemoWorkload, workSeconds: number): number {
  return workload === 'primes' ? Math.max(2, Math.floor(workSeconds / 3)) : workSeconds;
}

export interface DemoJobPlan {
  workload: DemoWorkload;
  /** How long the workload works. */
  workSeconds: number;
  spec: JobSpec;
  maxPricePerHourMicros: bigint;
  /** The billing cap on chain: the spec's own limit. */
  maxDurationSeconds: number;
  preemptible: boolean;
  description: string;
}

export const DEMO_PRICE_RANGE_MICROS = { min: 50_000, max: 600_000 } as const;
/** Head room over the work time for the container to start and the results to be collected. */
export const DEMO_DURATION_MARGIN_SECONDS = 60;

/** A starter job's work time. */
export const DEMO_STARTER_WORK_SECONDS = 10;

export function planDemoJob(
  random: () => number,
  images: { cpu: string; gpu: string | null },
  sequence: number,
  options: { starter?: boolean; deterministic?: boolean } = {},
): DemoJobPlan {
  const starter = options.starter === true;
  const deterministic = !starter && options.deterministic === true;
  const gpu = !starter && !deterministic && images.gpu !== null && random() < 0.3;
  const pick = <T>(items: readonly T[]) => items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
  const workload: DemoWorkload = starter ? 'hash' : gpu ? 'gpu-bench' : pick(deterministic ? DETERMINISTIC_WORKLOADS : DEMO_WORKLOADS);
  const workSeconds = starter ? DEMO_STARTER_WORK_SECONDS : gpu ? 10 + Math.floor(random() * 31) : 10 + Math.floor(random() * 81);
  const preemptible = !starter && !deterministic && random() < 0.25;
  const span = DEMO_PRICE_RANGE_MICROS.max - DEMO_PRICE_RANGE_MICROS.min;
  const price = starter ? DEMO_PRICE_RANGE_MICROS.max : Math.round((DEMO_PRICE_RANGE_MICROS.min + random() * span) / 1_000) * 1_000;
  // Fixed work takes longer on a slower CPU: its billing cap allows twice the planned time.
  const maxDurationSeconds = (deterministic ? 2 * workSeconds : workSeconds) + DEMO_DURATION_MARGIN_SECONDS;
  const name = `demo ${workload} #${sequence}`;
  const common = {
    version: 1 as const,
    name,
    inputs: [],
    outputs: { maxTotalBytes: 16 * 1024 * 1024, maxFiles: 16 },
    maxDurationSeconds,
    preemptible,
    network: 'none' as const,
  };
  const spec: JobSpec = gpu
    ? {
        ...common,
        image: images.gpu!,
        // gpu-bench prints its measurements; they are the job's result file.
        entrypoint: ['/bin/sh', '-c', `/usr/local/bin/gpu-bench --seconds-per-phase ${Math.max(2, Math.floor(workSeconds / 5))} > /workspace/out/gpu-bench.jsonl`],
        resources: { gpus: 1, minVramMiB: 2048, cpus: 1, memoryMiB: 1024, scratchMiB: 0 },
      }
    : {
        ...common,
        image: images.cpu,
        command: deterministic ? [workload, String(workSeconds), `rounds=${deterministicRounds(workload, workSeconds)}`] : [workload, String(workSeconds)],
        resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
      };
  return {
    workload,
    workSeconds,
    spec,
    maxPricePerHourMicros: BigInt(price),
    maxDurationSeconds,
    preemptible,
    description: `${gpu ? 'GPU' : 'CPU'} ${workload}, about ${workSeconds} s${preemptible ? ', preemptible' : ''}${deterministic ? ', fixed rounds (deterministic)' : ''} (devnet demo${starter ? ', starter job' : ''})`,
  };
}
