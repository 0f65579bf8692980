/**
 * Runs one attack through the real job runner (electron/agent/jobs/job-runner.ts) against
 * the real engine: the same validator, HostConfig builder, lifecycle and cleanup a
 * stranger's job gets. Each attack gets a fresh runner, data dir and RentalSlots, so two
 * attacks never share state; the host is sampled while the job runs (host-guard.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { JobRecord, JobSpec } from '../../shared/domain/job';
import { createRentalSlots } from '../../electron/agent/availability/rental-slots';
import { createImageCache } from '../../electron/agent/images/image-cache';
import { JOB_ID_LABEL, buildJobContainerOptions } from '../../electron/agent/jobs/job-container-options';
import { createJobRunner, type JobRunnerDeps } from '../../electron/agent/jobs/job-runner';
import type { ContainerRuntime, EngineInfo } from '../../electron/agent/ports';
import type { AttackImage } from '../helpers/attack-images';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { type Decoy, type RunSamples, engineLeftovers, hostProcessesOf, startSampler } from './host-guard';

export type Runtime = 'runc' | 'runsc';

export interface SuiteEnv {
  docker: ContainerRuntime;
  engine: EngineInfo;
  image: AttackImage;
  decoy: Decoy;
}

/** The host must keep at least this much memory available while any attack runs. */
export const MEMORY_FLOOR_BYTES = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

export interface AttackOptions {
  name: string;
  /** A /bin/sh -c script (the image's entrypoint), unless `entrypoint` replaces it. */
  script?: string;
  entrypoint?: string[];
  command?: string[];
  resources?: Partial<JobSpec['resources']>;
  outputs?: Partial<JobSpec['outputs']>;
  maxDurationSeconds?: number;
  runner?: Partial<JobRunnerDeps>;
  /** Called with each kept log line as it arrives (the cross-job test times its probes). */
  onLine?: (text: string, at: number) => void;
}

export interface AttackRun {
  jobId: string;
  record: JobRecord;
  lines: string[];
  /** PROBE <name> <value...> lines: name -> every value printed under it. */
  probes: Map<string, string[]>;
  samples: RunSamples;
  elapsedMs: number;
  dataDir: string;
  spec: JobSpec;
}

export function attackSpec(env: SuiteEnv, options: AttackOptions): JobSpec {
  return {
    version: 1,
    name: `attack ${options.name}`,
    image: env.image.reference,
    entrypoint: options.entrypoint ?? ['/bin/sh', '-c'],
    ...(options.command ? { command: options.command } : options.script ? { command: [options.script] } : {}),
    env: {},
    inputs: [],
    outputs: { maxTotalBytes: 1 * MiB, maxFiles: 16, ...options.outputs },
    resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 128, scratchMiB: 16, ...options.resources },
    maxDurationSeconds: options.maxDurationSeconds ?? 20,
    preemptible: true,
    network: 'none',
  };
}

/** The create request the runner will send for this spec (same pure builder), to read its limits. */
export function plannedCreateOptions(spec: JobSpec, runtime: Runtime) {
  return buildJobContainerOptions({
    jobId: 'planned',
    spec,
    device: { kind: 'cpu' },
    runtime,
    workspace: { inputsDir: '/planned/in', outputsDir: '/planned/out' },
    user: '10001:10001',
    network: { mode: 'none' },
  });
}

function parseProbes(lines: readonly string[]): Map<string, string[]> {
  const probes = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^PROBE (\S+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const list = probes.get(m[1]!) ?? [];
    list.push(m[2] ?? '');
    probes.set(m[1]!, list);
  }
  return probes;
}

const dataDirs: Array<() => void> = [];

/** Removes every data dir the attacks made (results and kept logs included). */
export function removeAttackDataDirs(): void {
  for (const cleanup of dataDirs.splice(0)) cleanup();
}

export async function runAttack(env: SuiteEnv, runtime: Runtime, options: AttackOptions): Promise<AttackRun> {
  const jobId = `sec-${runtime}-${options.name}-${randomBytes(3).toString('hex')}`;
  const data = tempDir('rigshift-attack-data-');
  dataDirs.push(data.cleanup);
  const { logger } = recordingLogger();
  const clock = { now: () => new Date() };
  const sampler = startSampler({ jobIdLabel: JOB_ID_LABEL, jobId, outDir: join(data.path, 'jobs', jobId, 'out') });
  // The real engine, with one observation added: out/ is measured just before the runner
  // removes the container (after it exited, before out/ is deleted), its true peak size.
  const docker: ContainerRuntime = {
    ...env.docker,
    createContainer: async (create) => {
      const handle = await env.docker.createContainer(create);
      return {
        ...handle,
        remove: () => {
          sampler.sampleOutputs();
          return handle.remove();
        },
      };
    },
  };
  const runner = createJobRunner({
    docker,
    images: createImageCache({ docker: env.docker, dataDir: data.path, budgetBytes: () => 1024 * MiB, logger, clock }),
    slots: createRentalSlots({ logger }),
    dataDir: data.path,
    clock,
    logger,
    ...options.runner,
  });
  const spec = attackSpec(env, options);
  const lines: string[] = [];
  const started = performance.now();
  const record = await runner.run({
    jobId,
    spec,
    device: { kind: 'cpu' },
    engine: env.engine,
    preferGvisor: runtime === 'runsc',
    allowEgress: false,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onLog: (batch) => {
      const at = performance.now();
      for (const l of batch.lines) {
        lines.push(l.text);
        options.onLine?.(l.text, at);
      }
    },
  });
  const elapsedMs = performance.now() - started;
  const samples = await sampler.stop();
  return { jobId, record, lines, probes: parseProbes(lines), samples, elapsedMs, dataDir: data.path, spec };
}

export function probe(run: AttackRun, name: string): string | undefined {
  return run.probes.get(name)?.[0];
}

/** For failure messages: the record and the job's own words. */
export function describeRun(run: AttackRun): string {
  return `${run.record.reason}: ${run.record.message}\n--- log (${run.lines.length} lines) ---\n${run.lines.slice(0, 80).join('\n')}`;
}

/**
 * What every attack asserts after the job: the runtime really used, the host unaffected
 * (decoy unchanged, no process of the job left, memory above the floor) and nothing left
 * behind (no container, network or volume of the job; in/ and out/ removed).
 */
export async function expectContained(env: SuiteEnv, runtime: Runtime, run: AttackRun): Promise<void> {
  if (run.record.timings.startedAt) expect(run.record.runtime, describeRun(run)).toBe(runtime);
  expect(env.decoy.unchanged(), 'the decoy file on the host changed').toBe(true);
  expect(hostProcessesOf(run.samples.containerIds), 'host processes of the job are still alive').toEqual([]);
  expect(run.samples.minAvailableMemory, 'host available memory fell below the floor').toBeGreaterThan(MEMORY_FLOOR_BYTES);
  expect(await engineLeftovers(JOB_ID_LABEL, run.jobId, run.samples.containerIds)).toEqual([]);
  const root = join(run.dataDir, 'jobs', run.jobId);
  expect(existsSync(join(root, 'in')), 'in/ was not removed').toBe(false);
  expect(existsSync(join(root, 'out')), 'out/ was not removed').toBe(false);
  // What may stay: results/ of a completed job (for the marketplace) and the kept log.
  const kept = existsSync(root) ? readdirSync(root) : [];
  expect(kept.filter((name) => name !== 'results')).toEqual([]);
}
