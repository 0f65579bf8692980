import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentError } from '../../../shared/api/result';
import { type ActiveBenchmark, BenchmarkResultSchema } from '../../../shared/domain/benchmark';
import type { GpuInfo } from '../../../shared/domain/gpu';
import { createBenchmarkRunner } from '../../../electron/agent/benchmark/benchmark-runner';
import type { Clock, Logger } from '../../../electron/agent/ports';
import { FAKE_ENGINE, type FakeRuntimeOptions, createFakeContainerRuntime } from '../../fakes/fake-container-runtime';
import { writeArchiveWithTag } from './archive-fixture';

const CPU_REF = 'rigshift/bench-cpu:0.1.0-aaaaaaaaaaaa';
const GPU_REF = 'rigshift/bench-gpu:0.1.0-bbbbbbbbbbbb';
const UUID = 'GPU-8f6c3b1e-2a4d-4c1b-9e7f-0123456789ab';

const gpu: GpuInfo = {
  index: 0,
  uuid: UUID,
  name: 'NVIDIA GeForce RTX 4090',
  driverVersion: '580.95.05',
  vramMiB: 24564,
  power: { min: 150, default: 450, max: 480, enforced: 450 },
  temperatureC: 40,
  pcie: { genCurrent: 1, genMax: 4, widthCurrent: 16, widthMax: 16 },
  computeCapability: '8.9',
  pciBusId: '00000000:01:00.0',
};

function imagesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rigshift-images-'));
  writeArchiveWithTag(join(dir, 'rigshift-bench-cpu.tar'), CPU_REF);
  writeArchiveWithTag(join(dir, 'rigshift-bench-gpu.tar'), GPU_REF, 2);
  return dir;
}

/** A clock that moves 100 ms every time it is read, so durations are deterministic. */
function steppingClock(): Clock {
  let t = Date.parse('2026-07-01T10:00:00Z');
  return { now: () => new Date((t += 100)) };
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const cpuOutput = [
  '{"type":"hello","protocol":1,"workload":"cpu-bench","version":"1.0.0","kind":"cpu","device":{"name":"Test CPU","threads":2}}',
  '{"type":"phase","phase":"cpu_fp32","label":"CPU FP32 matrix multiply","index":1,"total":3}',
  '{"type":"progress","fraction":0.3}',
  '{"type":"metric","id":"cpu_fp32_gflops","label":"CPU FP32 SGEMM","unit":"GFLOP/s","value":75,"burst":76,"sustained":74}',
  'garbage in the middle',
  '{"type":"phase","phase":"cpu_memory","label":"CPU memory bandwidth","index":2,"total":3}',
  '{"type":"progress","fraction":0.7}',
  '{"type":"metric","id":"cpu_mem_bw_gbps","label":"CPU memory copy","unit":"GB/s","value":17}',
  '{"type":"integrity","name":"ram-pattern","bytesChecked":1048576,"errors":0}',
  '{"type":"progress","fraction":1}',
  '{"type":"done","elapsedMs":3000}',
];

const gpuOutput = [
  `{"type":"hello","protocol":1,"workload":"gpu-bench","version":"1.0.0","kind":"gpu","device":{"name":"NVIDIA GeForce RTX 4090","uuid":"${UUID}"}}`,
  '{"type":"phase","phase":"fp16","label":"FP16 tensor GEMM","index":2,"total":6}',
  '{"type":"metric","id":"fp16_tflops","label":"FP16","unit":"TFLOP/s","value":165}',
  '{"type":"metric","id":"mem_bw_gbps","label":"VRAM copy","unit":"GB/s","value":900}',
  '{"type":"integrity","name":"vram-pattern","bytesChecked":1000,"errors":0}',
  '{"type":"done"}',
];

function setup(options: FakeRuntimeOptions, telemetry = false) {
  const docker = createFakeContainerRuntime(options);
  const progress: ActiveBenchmark[] = [];
  const telemetryCalls: string[] = [];
  const runner = createBenchmarkRunner({
    docker,
    imagesDir: imagesDir(),
    clock: steppingClock(),
    logger: silent,
    hostCpus: 2,
    ...(telemetry
      ? {
          telemetry: (uuid, onSample) => {
            telemetryCalls.push(uuid);
            onSample({ powerW: 400, temperatureC: 70, throttleReasons: ['sw_power_cap'] });
            return { stop: () => telemetryCalls.push('stop') };
          },
        }
      : {}),
  });
  return { docker, runner, progress, telemetryCalls };
}

describe('benchmark runner: CPU', () => {
  it('loads the missing image, runs the container, reports progress and removes it', async () => {
    const { docker, runner, progress } = setup({
      loadedReference: CPU_REF,
      script: { stdout: cpuOutput, stats: [{ cpuPercent: 195, memoryBytes: 512 * 2 ** 20 }] },
    });
    const result = await runner.run({
      runId: 'run-1',
      target: { kind: 'cpu' },
      engine: FAKE_ENGINE,
      preferGvisor: false,
      quick: true,
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
    });
    expect(BenchmarkResultSchema.parse(result)).toEqual(result);
    expect(result.status).toBe('completed');
    expect(result.error).toBeUndefined();
    expect(result.device).toEqual({ name: 'Test CPU', uuid: null, driverVersion: null });
    expect(result.image).toBe(CPU_REF);
    expect(result.runtime).toBe('runc');
    expect(result.metrics.map((m) => [m.id, m.value])).toEqual([
      ['cpu_fp32_gflops', 75],
      ['cpu_mem_bw_gbps', 17],
    ]);
    expect(result.integrity).toEqual([{ name: 'ram-pattern', bytesChecked: 1048576, errors: 0, ok: true }]);
    expect(result.telemetry).toEqual([{ t: expect.any(Number), cpuPercent: 195, memMiB: 512 }]);
    expect(result.comparisons).toEqual([]);
    expect(result.suggestedPrice?.usdPerHour).toBeCloseTo(0.075 * 0.00375, 6);
    expect(docker.methods()).toEqual([
      'hasImage', 'loadImage', 'hasImage', 'createContainer', 'start', 'stats', 'followOutput', 'wait',
      'inspectRuntime', 'stats.stop', 'remove',
    ]);
    expect(docker.created[0]?.Cmd).toEqual(['--quick']);
    expect(docker.created[0]?.HostConfig?.Runtime).toBe('runc');
    expect(docker.created[0]?.HostConfig?.NanoCpus).toBe(2e9);
    expect(docker.live.size).toBe(0);
    // Progress: starts with the image step, never decreases, ends at 1 with the workload's phases in between.
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress[0]?.phase).toBe('image');
    expect(progress.map((p) => p.phase)).toContain('cpu_memory');
    expect(progress.at(-1)).toMatchObject({ phase: 'completed', fraction: 1, runId: 'run-1', kind: 'cpu' });
  });

  it('does not load an image the engine already has, and uses runsc when allowed', async () => {
    const { docker, runner } = setup({ images: [CPU_REF], script: { stdout: cpuOutput } });
    const result = await runner.run({
      runId: 'run-2', target: { kind: 'cpu' }, engine: FAKE_ENGINE, preferGvisor: true,
      signal: new AbortController().signal, onProgress: () => {},
    });
    expect(result.status).toBe('completed');
    expect(result.runtime).toBe('runsc');
    expect(docker.methods()).not.toContain('loadImage');
    expect(docker.created[0]?.HostConfig?.Runtime).toBe('runsc');
    expect(docker.created[0]?.Cmd).toEqual([]);
  });

  it('records the runtime the engine really used', async () => {
    const { runner } = setup({ images: [CPU_REF], script: { stdout: cpuOutput, runtime: 'io.containerd.runc.v2' } });
    const result = await runner.run({
      runId: 'r', target: { kind: 'cpu' }, engine: FAKE_ENGINE, preferGvisor: false,
      signal: new AbortController().signal, onProgress: () => {},
    });
    expect(result.runtime).toBe('io.containerd.runc.v2');
  });
});

describe('benchmark runner: GPU', () => {
  it('creates exactly the hardened container pinned to the GPU UUID', async () => {
    const { docker, runner, telemetryCalls } = setup({ images: [GPU_REF], script: { stdout: gpuOutput } }, true);
    const result = await runner.run({
      runId: 'gpu-run', target: { kind: 'gpu', gpu }, engine: FAKE_ENGINE, preferGvisor: false,
      signal: new AbortController().signal, onProgress: () => {},
    });
    expect(docker.calls.find((c) => c.method === 'createContainer')?.args).toEqual([
      {
        name: 'rigshift-bench-gpu-run',
        Image: GPU_REF,
        Cmd: [],
        Env: [`NVIDIA_VISIBLE_DEVICES=${UUID}`, 'NVIDIA_DRIVER_CAPABILITIES=compute,utility'],
        User: '10001:10001',
        WorkingDir: '/tmp',
        Labels: { 'io.rigshift.run-id': 'gpu-run', 'io.rigshift.owner-pid': String(process.pid), 'io.rigshift.managed': 'true', 'io.rigshift.role': 'benchmark' },
        NetworkDisabled: true,
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        OpenStdin: false,
        HostConfig: {
          Runtime: 'runc',
          Privileged: false,
          CapDrop: ['ALL'],
          CapAdd: [],
          SecurityOpt: ['no-new-privileges:true'],
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': 'rw,nosuid,nodev,noexec,size=64m' },
          PidsLimit: 256,
          Memory: 4 * 1024 ** 3,
          MemorySwap: 4 * 1024 ** 3,
          OomKillDisable: false,
          NanoCpus: 2e9,
          Ulimits: [
            { Name: 'nofile', Soft: 1024, Hard: 1024 },
            { Name: 'core', Soft: 0, Hard: 0 },
          ],
          LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
          NetworkMode: 'none',
          IpcMode: 'private',
          Init: true,
          RestartPolicy: { Name: 'no' },
          AutoRemove: false,
          Binds: [],
          Mounts: [],
          Devices: [],
          DeviceRequests: [{ Driver: 'nvidia', DeviceIDs: [UUID], Capabilities: [['gpu', 'compute', 'utility']] }],
        },
      },
    ]);
    expect(result.status).toBe('completed');
    expect(result.device).toEqual({ name: gpu.name, uuid: UUID, driverVersion: '580.95.05' });
    expect(telemetryCalls).toEqual([UUID, 'stop']);
    expect(docker.methods()).not.toContain('stats'); // GPU telemetry comes from nvidia-smi, not container stats
    expect(result.telemetry).toEqual([{ t: expect.any(Number), powerW: 400, temperatureC: 70, throttleReasons: ['sw_power_cap'] }]);
    expect(result.comparisons.map((c) => [c.metricId, c.verdict])).toEqual([
      ['fp16_tflops', 'ok'],
      ['mem_bw_gbps', 'ok'],
    ]);
    // Throttling seen in telemetry; the idle Gen1 link from detection is not a warning.
    expect(result.warnings.map((w) => w.code)).toEqual(['throttled']);
    expect(result.suggestedPrice?.usdPerHour).toBeGreaterThan(0.3);
    expect(docker.live.size).toBe(0);
  });

  it('fails when the workload ran on another GPU than requested', async () => {
    const other = gpuOutput.map((l) => l.replace(UUID, 'GPU-00000000-0000-0000-0000-000000000000'));
    const { runner } = setup({ images: [GPU_REF], script: { stdout: other } });
    const result = await runner.run({
      runId: 'x', target: { kind: 'gpu', gpu }, engine: FAKE_ENGINE, preferGvisor: false,
      signal: new AbortController().signal, onProgress: () => {},
    });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('benchmark_wrong_gpu');
    expect(result.suggestedPrice).toBeNull();
  });

  it('maps a missing NVIDIA runtime to a fix', async () => {
    const { runner, docker } = setup({
      images: [GPU_REF],
      createError: new AgentError('container_create_failed', 'The engine refused to create the container: could not select device driver "nvidia" with capabilities: [[gpu]]'),
    });
    const result = await runner.run({
      runId: 'x', target: { kind: 'gpu', gpu }, engine: FAKE_ENGINE, preferGvisor: false,
      signal: new AbortController().signal, onProgress: () => {},
    });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('gpu_runtime_missing');
    expect(result.error?.hint).toContain('NVIDIA Container Toolkit');
    expect(result.runtime).toBe('');
    expect(docker.live.size).toBe(0);
  });
});

describe('benchmark runner: failures and cancellation', () => {
  const cpuRun = (runner: ReturnType<typeof setup>['runner'], signal = new AbortController().signal) =>
    runner.run({ runId: 'f', target: { kind: 'cpu' }, engine: FAKE_ENGINE, preferGvisor: false, signal, onProgress: () => {} });

  it('missing tarball: failed result with the build hint, nothing created', async () => {
    const docker = createFakeContainerRuntime({});
    const runner = createBenchmarkRunner({ docker, imagesDir: mkdtempSync(join(tmpdir(), 'empty-')), clock: steppingClock(), logger: silent });
    const result = await cpuRun(runner);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'benchmark_image_missing', hint: 'run npm run build:images' });
    expect(docker.methods()).toEqual([]);
  });

  it('image load error is surfaced', async () => {
    const { runner, docker } = setup({ loadError: new AgentError('image_load_failed', 'Loading failed: unexpected EOF') });
    const result = await cpuRun(runner);
    expect(result.error).toMatchObject({ code: 'image_load_failed', message: 'Loading failed: unexpected EOF' });
    expect(docker.methods()).not.toContain('createContainer');
  });

  it('a load that does not produce the tag fails clearly', async () => {
    const { runner } = setup({ loadedReference: null });
    const result = await cpuRun(runner);
    expect(result.error?.code).toBe('image_load_failed');
    expect(result.error?.message).toContain(CPU_REF);
  });

  it('truncated output (no done) fails and still removes the container', async () => {
    const { runner, docker } = setup({
      images: [CPU_REF],
      script: { stdout: cpuOutput.slice(0, 4), stderr: ['Illegal instruction'], exit: { exitCode: 132, oomKilled: false } },
    });
    const result = await cpuRun(runner);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('benchmark_incomplete');
    expect(result.error?.message).toContain('Illegal instruction');
    expect(result.metrics).toHaveLength(1); // partial figures are kept for diagnosis
    expect(result.suggestedPrice).toBeNull();
    expect(docker.methods().at(-1)).toBe('remove');
    expect(docker.live.size).toBe(0);
  });

  it('a start failure still removes the container', async () => {
    const { runner, docker } = setup({ images: [CPU_REF], startError: new AgentError('container_start_failed', 'no runsc') });
    const result = await cpuRun(runner);
    expect(result.error?.code).toBe('container_start_failed');
    expect(docker.methods()).toContain('remove');
    expect(docker.live.size).toBe(0);
  });

  it('retries with the engine CPU count when NanoCpus exceeds it', async () => {
    let first = true;
    const docker = createFakeContainerRuntime({ images: [CPU_REF], script: { stdout: cpuOutput } });
    const create = docker.createContainer.bind(docker);
    docker.createContainer = async (options) => {
      if (first) {
        first = false;
        throw new AgentError('container_create_failed', 'Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available');
      }
      return create(options);
    };
    const runner = createBenchmarkRunner({ docker, imagesDir: imagesDir(), clock: steppingClock(), logger: silent, hostCpus: 16 });
    const result = await cpuRun(runner);
    expect(result.status).toBe('completed');
    expect(docker.created[0]?.HostConfig?.NanoCpus).toBe(4e9);
  });

  it('cancel mid-run stops with a short grace, removes the container and reports cancelled', async () => {
    const { runner, docker } = setup({ images: [CPU_REF], script: { stdout: cpuOutput.slice(0, 3), runUntilStopped: true } });
    const controller = new AbortController();
    const pending = cpuRun(runner, controller.signal);
    await docker.started;
    controller.abort();
    const result = await pending;
    expect(result.status).toBe('cancelled');
    expect(result.error?.code).toBe('benchmark_cancelled');
    expect(result.comparisons).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.suggestedPrice).toBeNull();
    expect(docker.calls.find((c) => c.method === 'stop')?.args).toEqual(['fake1', 2]);
    expect(docker.methods().at(-1)).toBe('remove');
    expect(docker.live.size).toBe(0);
  });

  it('an already aborted signal creates nothing', async () => {
    const { runner, docker } = setup({ images: [CPU_REF], script: { stdout: cpuOutput } });
    const controller = new AbortController();
    controller.abort();
    const result = await cpuRun(runner, controller.signal);
    expect(result.status).toBe('cancelled');
    expect(docker.methods()).toEqual([]);
  });
});
