/**
 * What the demo requester posts: a realistic mix of short jobs. Pure (the random source is
 * passed in), so the mix itself is unit-testable.
 *   - CPU jobs of 10 to 90 s: hashing, compression, a prime sieve (rigshift/demo-job);
 *   - GPU jobs (the GPU benchmark's kernels for 10 to 40 s) only where an NVIDIA GPU exists;
 *   - about one in four preemptible;
 *   - max prices spread from 0.05 to 0.60 USD per hour, around typical owner floors, so
 *     some jobs are above a provider's floor and some below.
 * Starter jobs (`starter: true`, what the requester posts until a provider claims its first
 * job): 10 s CPU hashing at the top of the price range, never preemptible, so a newcomer's
 * first job fits whatever floor they chose within the range and is paid within a minute of
 * "Start renting" (issue 13: time to first money).
 * Deterministic jobs (`deterministic: true`, what market v2's replicated and disputed jobs
 * declare): the workloads above do as much as fits in their time, so two honest runs on CPUs
 * of different speed give different outputs, and the replica or the verifier that disagrees
 * would cost an honest provider its stake. A deterministic job does a FIXED amount of work
 * instead (chained sha256 rounds, about DETERMINISTIC_ROUNDS_PER_SECOND per planned second on
 * a slow CPU): every honest run writes the same digest, however fast the machine.
 */
import type { JobSpec } from '../../../shared/domain/job';

export const DEMO_WORKLOADS = ['hash', 'compress', 'primes'] as const;
export type DemoWorkload = (typeof DEMO_WORKLOADS)[number] | 'gpu-bench';

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

/**
 * Rounds of a deterministic job per planned second. On this project's loaded 2-vCPU test VM
 * about 6 rounds take a second, so such a job runs for about a third of its planned time there,
 * and a CPU three times slower still finishes in about the planned time.
 */
export const DETERMINISTIC_ROUNDS_PER_SECOND = 2;

/** The fixed-work script of a deterministic job: `rounds` chained sha256 over generated data, the digest its one output. */
export function deterministicHashScript(rounds: number): string {
  return `d=rigshift; i=0; while [ "$i" -lt ${rounds} ]; do d=$( (echo "$d"; seq "$i" $((i + 200000))) | sha256sum | cut -c1-64); i=$((i + 1)); done; echo "$d" > /workspace/out/digest.txt`;
}

export function planDemoJob(
  random: () => number,
  images: { cpu: string; gpu: string | null },
  sequence: number,
  options: { starter?: boolean; deterministic?: boolean } = {},
): DemoJobPlan {
  if (options.deterministic === true) return planDeterministicDemoJob(random, images, sequence);
  const starter = options.starter === true;
  const gpu = !starter && images.gpu !== null && random() < 0.3;
  const pick = <T>(items: readonly T[]) => items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
  const workload: DemoWorkload = starter ? 'hash' : gpu ? 'gpu-bench' : pick(DEMO_WORKLOADS);
  const workSeconds = starter ? DEMO_STARTER_WORK_SECONDS : gpu ? 10 + Math.floor(random() * 31) : 10 + Math.floor(random() * 81);
  const preemptible = !starter && random() < 0.25;
  const span = DEMO_PRICE_RANGE_MICROS.max - DEMO_PRICE_RANGE_MICROS.min;
  const price = starter ? DEMO_PRICE_RANGE_MICROS.max : Math.round((DEMO_PRICE_RANGE_MICROS.min + random() * span) / 1_000) * 1_000;
  const maxDurationSeconds = workSeconds + DEMO_DURATION_MARGIN_SECONDS;
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
        command: [workload, String(workSeconds)],
        resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
      };
  return {
    workload,
    workSeconds,
    spec,
    maxPricePerHourMicros: BigInt(price),
    maxDurationSeconds,
    preemptible,
    description: `${gpu ? 'GPU' : 'CPU'} ${workload}, about ${workSeconds} s${preemptible ? ', preemptible' : ''} (devnet demo${starter ? ', starter job' : ''})`,
  };
}

/**
 * A deterministic CPU job (see the header): hashing, a fixed number of rounds, never
 * preemptible; a slow CPU may take twice the planned time, so the billing cap allows it.
 */
function planDeterministicDemoJob(random: () => number, images: { cpu: string }, sequence: number): DemoJobPlan {
  const workSeconds = 10 + Math.floor(random() * 51);
  const rounds = workSeconds * DETERMINISTIC_ROUNDS_PER_SECOND;
  const span = DEMO_PRICE_RANGE_MICROS.max - DEMO_PRICE_RANGE_MICROS.min;
  const price = Math.round((DEMO_PRICE_RANGE_MICROS.min + random() * span) / 1_000) * 1_000;
  const maxDurationSeconds = 2 * workSeconds + DEMO_DURATION_MARGIN_SECONDS;
  return {
    workload: 'hash',
    workSeconds,
    spec: {
      version: 1,
      name: `demo hash #${sequence} (fixed work)`,
      image: images.cpu,
      entrypoint: ['/bin/sh', '-c', deterministicHashScript(rounds)],
      inputs: [],
      outputs: { maxTotalBytes: 16 * 1024 * 1024, maxFiles: 16 },
      resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
      maxDurationSeconds,
      preemptible: false,
      network: 'none',
    },
    maxPricePerHourMicros: BigInt(price),
    maxDurationSeconds,
    preemptible: false,
    description: `CPU hash, ${rounds} rounds of fixed work (the same digest on every honest run), about ${workSeconds} s (devnet demo)`,
  };
}
