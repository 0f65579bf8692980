/**
 * The CPU benchmark end to end against the real Docker engine: the bundled tarball is
 * loaded, the hardened container runs the real workload (--quick), and nothing is left
 * behind. Needs a Docker engine and `npm run build:images`; under CI both are required.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ActiveBenchmark, BenchmarkResultSchema } from '../../shared/domain/benchmark';
import { createBenchmarkRunner } from '../../electron/agent/benchmark/benchmark-runner';
import { readArchiveReference } from '../../electron/agent/benchmark/image-archive';
import { createDockerodeRuntime } from '../../electron/agent/docker/dockerode-runtime';
import type { EngineInfo, Logger } from '../../electron/agent/ports';
import { dockerEngine, fileExists, need } from '../helpers/requirements';

const imagesDir = fileURLToPath(new URL('../../resources/images', import.meta.url));
const tarball = join(imagesDir, 'rigshift-bench-cpu.tar');
const ready = need(dockerEngine()) && need(fileExists(tarball, 'npm run build:images'));

const logger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const clock = { now: () => new Date() };

function containersOfRun(runId: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=io.rigshift.run-id=${runId}`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe.skipIf(!ready)('CPU benchmark on the real Docker engine', () => {
  const docker = createDockerodeRuntime(new Dockerode());
  const runner = createBenchmarkRunner({ docker, imagesDir, clock, logger });
  let engine: EngineInfo;
  const reference = ready ? readArchiveReference(tarball) : null;

  beforeAll(async () => {
    engine = await docker.info();
  });

  it('reports the engine through GET /info and /version', () => {
    expect(engine.serverVersion).toMatch(/^\d+\./);
    expect(engine.runtimes).toContain('runc');
    expect(engine.osType).toBe('linux');
  });

  it(
    'loads the missing image, runs --quick, reports rising progress and positive metrics, leaves no container',
    async () => {
      expect(reference).toMatch(/^rigshift\/bench-cpu:/);
      // Remove the tag first so the runner must load the tarball itself.
      await new Dockerode().getImage(reference!).remove({ force: true }).catch(() => undefined);
      expect(await docker.hasImage(reference!)).toBe(false);

      const progress: ActiveBenchmark[] = [];
      const runId = `itest-cpu-${Date.now()}`;
      const result = await runner.run({
        runId,
        target: { kind: 'cpu' },
        engine,
        preferGvisor: false,
        quick: true,
        signal: new AbortController().signal,
        onProgress: (p) => progress.push(p),
      });

      expect(result.error).toBeUndefined();
      expect(result.status).toBe('completed');
      expect(BenchmarkResultSchema.parse(result)).toEqual(result);
      expect(await docker.hasImage(reference!)).toBe(true);
      expect(result.image).toBe(reference);
      expect(result.runtime).toBe('runc');
      const byId = Object.fromEntries(result.metrics.map((m) => [m.id, m]));
      expect(byId.cpu_fp32_gflops?.value).toBeGreaterThan(0.5);
      expect(byId.cpu_mem_bw_gbps?.value).toBeGreaterThan(0.5);
      expect(byId.cpu_fp32_gflops?.burst).toBeGreaterThan(0);
      expect(byId.cpu_fp32_gflops?.sustained).toBeGreaterThan(0);
      expect(result.integrity).toEqual([expect.objectContaining({ name: 'ram-pattern', errors: 0, ok: true })]);
      expect(result.integrity[0]!.bytesChecked).toBeGreaterThan(0);
      expect(result.suggestedPrice?.usdPerHour).toBeGreaterThan(0);
      expect(result.device.name.length).toBeGreaterThan(0);

      const fractions = progress.map((p) => p.fraction);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      expect(new Set(fractions).size).toBeGreaterThan(5);
      expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['image', 'cpu_fp32', 'cpu_memory', 'ram_pattern']));
      expect(progress.at(-1)?.fraction).toBe(1);

      expect(containersOfRun(runId)).toEqual([]);
    },
    120_000,
  );

  it.skipIf(!ready || !execFileSync('docker', ['info', '--format', '{{json .Runtimes}}'], { encoding: 'utf8' }).includes('runsc'))(
    'runs under gVisor when runsc is registered and allowed, and records it',
    async () => {
      const runId = `itest-runsc-${Date.now()}`;
      const result = await runner.run({
        runId,
        target: { kind: 'cpu' },
        engine,
        preferGvisor: true,
        quick: true,
        signal: new AbortController().signal,
        onProgress: () => {},
      });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('completed');
      expect(result.runtime).toBe('runsc');
      expect(result.metrics.find((m) => m.id === 'cpu_fp32_gflops')?.value).toBeGreaterThan(0);
      expect(containersOfRun(runId)).toEqual([]);
    },
    120_000,
  );

  it(
    'cancelling mid-run stops the container and leaves none behind',
    async () => {
      const runId = `itest-cancel-${Date.now()}`;
      const controller = new AbortController();
      let cancelAt: number | null = null;
      let runningAtCancel = -1;
      // The full (not --quick) run lasts ~25 s; cancel once the workload reports its first phase.
      const pending = runner.run({
        runId,
        target: { kind: 'cpu' },
        engine,
        preferGvisor: false,
        signal: controller.signal,
        onProgress: (p) => {
          if (cancelAt === null && p.phase === 'cpu_fp32') {
            cancelAt = Date.now();
            runningAtCancel = containersOfRun(runId).length;
            controller.abort();
          }
        },
      });
      const result = await pending;
      expect(cancelAt).not.toBeNull();
      expect(runningAtCancel).toBe(1);
      expect(result.status).toBe('cancelled');
      expect(result.error?.code).toBe('benchmark_cancelled');
      expect(Date.now() - cancelAt!).toBeLessThan(15_000);
      expect(containersOfRun(runId)).toEqual([]);
    },
    120_000,
  );
});
