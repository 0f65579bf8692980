/**
 * Job runner figures: container start latency with a cached image, runsc overhead on a
 * CPU-bound and a file-I/O job, and whether the log rate cap holds under a flood.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import { buildJobContainerOptions } from '../../electron/agent/jobs/job-container-options';
import { createNodeJobRunner } from '../../electron/agent/jobs/node-job-runner';
import { DEFAULT_LOG_LIMITS } from '../../electron/agent/jobs/log-capture';
import type { JobSpec } from '../../shared/domain/job';
import { buildJobTestImage, type JobTestImage } from '../helpers/job-images';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { type BenchFigure, median, round } from './figure';

const specFor = (image: JobTestImage, script: string, over: Partial<JobSpec> = {}): JobSpec => ({
  version: 1,
  name: 'bench job',
  image: image.reference,
  entrypoint: ['/bin/sh', '-c'],
  command: [script],
  inputs: [],
  outputs: { maxTotalBytes: 256 * 1024 * 1024, maxFiles: 10 },
  resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 512, scratchMiB: 256 },
  maxDurationSeconds: 120,
  preemptible: true,
  network: 'none',
  ...over,
});

export async function measureJobFigures(runs = 15): Promise<BenchFigure[]> {
  const image = buildJobTestImage();
  const docker = createDockerodeRuntime();
  const dir = tempDir('rigshift-bench-jobs-');
  const figures: BenchFigure[] = [];
  try {
    // Start latency: create + start of the real hardened job container, image cached.
    mkdirSync(join(dir.path, 'in'));
    mkdirSync(join(dir.path, 'out'));
    for (const runtime of ['runc', 'runsc'] as const) {
      const times: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const options = buildJobContainerOptions({
          jobId: `bench-start-${i}`,
          spec: specFor(image, 'sleep 30'),
          device: { kind: 'cpu' },
          runtime,
          workspace: { inputsDir: join(dir.path, 'in'), outputsDir: join(dir.path, 'out') },
          user: '10001:10001',
          network: { mode: 'none' },
        });
        const started = performance.now();
        const handle = await docker.createContainer({ ...options, Image: image.id });
        await handle.start();
        times.push(performance.now() - started);
        await handle.kill('SIGKILL');
        await handle.remove();
      }
      figures.push({ name: `job start (${runtime}, cached image): create to running, median of ${runs}`, value: round(median(times), 0), unit: 'ms', target: 1000, better: 'lower' });
    }

    // runsc overhead: the same job through the real runner under each runtime.
    const runMs = async (script: string, preferGvisor: boolean) => {
      const { runner } = createNodeJobRunner({ dataDir: dir.path, logger: recordingLogger().logger, docker });
      const engine = await docker.info();
      const samples: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const record = await runner.run({
          jobId: `bench-${preferGvisor ? 'runsc' : 'runc'}-${Date.now()}-${i}`,
          spec: specFor(image, script),
          device: { kind: 'cpu' },
          engine,
          preferGvisor,
          allowEgress: false,
          signal: new AbortController().signal,
          onProgress: () => undefined,
          onLog: () => undefined,
        });
        if (record.reason !== 'completed' || record.timings.runMs === null) throw new Error(`bench job failed: ${record.message}`);
        samples.push(record.timings.runMs);
      }
      return median(samples);
    };
    const cpuScript = 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done';
    const ioScript = 'for n in 1 2 3 4; do dd if=/dev/zero of=/workspace/out/f bs=64k count=1024 2>/dev/null; cat /workspace/out/f > /dev/null; done; rm /workspace/out/f';
    // The issue asks only to report these; the targets are our own budgets: gVisor's
    // Sentry costs little on pure compute and much more on file I/O through its gofer.
    for (const [label, script, budget] of [['CPU-bound', cpuScript, 1.5], ['file-I/O', ioScript, 4]] as const) {
      const ratio = (await runMs(script, true)) / (await runMs(script, false));
      figures.push({ name: `runsc / runc run time, ${label} job (median of 3 each)`, value: round(ratio, 2), unit: 'ratio', target: budget, better: 'lower' });
    }

    // Log cap: a job printing as fast as it can for 3 s (short enough that the 2 MiB size
    // cap is not what stops it); what was kept per second of running.
    const { runner } = createNodeJobRunner({ dataDir: dir.path, logger: recordingLogger().logger, docker });
    const record = await runner.run({
      jobId: `bench-log-${Date.now()}`,
      spec: specFor(image, 'yes "a log line of a flooding job" & sleep 3; kill $!'),
      device: { kind: 'cpu' },
      engine: await docker.info(),
      preferGvisor: false,
      allowEgress: false,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      onLog: () => undefined,
    });
    const seconds = (record.timings.runMs ?? 0) / 1000;
    console.log(`      log flood: ${record.logs.bytesKept} bytes kept, ${record.logs.bytesDropped} dropped over ${round(seconds, 1)} s`);
    // The bucket refills while the agent reads: for the run and for the up to 2 s it drains
    // the engine's buffered log after the exit. Allowance = rate x (run + drain) + 1 s burst.
    const capKiB = DEFAULT_LOG_LIMITS.bytesPerSecond / 1024;
    figures.push({
      name: `log kept under a 3 s flood (cap ${capKiB} KiB/s, allowance = rate x (run + 2 s drain) + 1 s burst)`,
      value: round(record.logs.bytesKept / 1024, 0),
      unit: 'KiB',
      target: round(capKiB * (seconds + 2) + capKiB, 0),
      better: 'lower',
    });
    return figures;
  } finally {
    image.remove();
    dir.cleanup();
  }
}
