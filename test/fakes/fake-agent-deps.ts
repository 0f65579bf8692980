/**
 * Minimal port implementations for unit-testing the agent core and its transports
 * without Docker or nvidia-smi. The real adapters are exercised by the integration tests.
 */
import type { AgentDeps, BenchmarkRunRequest } from '../../electron/agent/agent';
import type { BenchmarkHistory } from '../../electron/agent/history/benchmark-history';
import type { JsonlHistory } from '../../electron/agent/history/jsonl-history';
import type { ContainerRuntime, EngineInfo } from '../../electron/agent/ports';
import type { SettingsService } from '../../electron/agent/settings/settings-service';
import { applySettingsPatch, DEFAULT_SETTINGS, type Settings } from '../../shared/domain/settings';
import type { BenchmarkResult } from '../../shared/domain/benchmark';
import type { ChecksReport } from '../../shared/domain/checks';
import type { GpuDetection, GpuInfo } from '../../shared/domain/gpu';
import { recordingLogger } from '../helpers/silent-logger';

export const engineInfo: EngineInfo = {
  serverVersion: '27.3.1',
  runtimes: ['runc', 'runsc'],
  defaultRuntime: 'runc',
  operatingSystem: 'Debian GNU/Linux 12',
  osType: 'linux',
  platformName: '',
};

export const rtx4090: GpuInfo = {
  index: 0,
  uuid: 'GPU-5f1c2d3e-0000-1111-2222-333344445555',
  name: 'NVIDIA GeForce RTX 4090',
  driverVersion: '560.35.03',
  vramMiB: 24564,
  power: { min: 150, default: 450, max: 600, enforced: 450 },
  temperatureC: 41,
  pcie: { genCurrent: 4, genMax: 4, widthCurrent: 16, widthMax: 16 },
  computeCapability: '8.9',
  pciBusId: '00000000:01:00.0',
};

export function detectionOf(gpus: GpuInfo[]): GpuDetection {
  return {
    gpus,
    adapters: [],
    nvidiaSmi: gpus.length ? { state: 'ok', path: 'nvidia-smi', driverVersion: '560.35.03' } : { state: 'missing' },
    detectedAt: new Date(0).toISOString(),
  };
}

export function checksOf(gpuJobsAllowed: boolean): ChecksReport {
  return { checks: [], gpuJobsAllowed, checkedAt: new Date(0).toISOString() };
}

/** A benchmark runner that finishes when the test says so (or when cancelled). */
export function controllableRunner() {
  const requests: BenchmarkRunRequest[] = [];
  let finish: (status: BenchmarkResult['status']) => void = () => undefined;
  const runner = {
    run(request: BenchmarkRunRequest): Promise<BenchmarkResult> {
      requests.push(request);
      return new Promise((resolve) => {
        const done = (status: BenchmarkResult['status']) =>
          resolve({
            id: request.runId,
            status,
            kind: request.target.kind,
            startedAt: new Date(0).toISOString(),
            finishedAt: new Date(1000).toISOString(),
            durationMs: 1000,
            device: { name: request.target.kind === 'gpu' ? request.target.gpu.name : 'CPU', uuid: null, driverVersion: null },
            image: 'rigshift/bench-cpu:test',
            runtime: 'runc',
            metrics: [],
            integrity: [],
            telemetry: [],
            comparisons: [],
            warnings: [],
            suggestedPrice: null,
          });
        finish = done;
        request.signal.addEventListener('abort', () => done('cancelled'));
        request.onProgress({
          runId: request.runId,
          kind: request.target.kind,
          startedAt: new Date(0).toISOString(),
          phase: 'fp32',
          label: 'FP32 throughput',
          fraction: 0.5,
          elapsedMs: 500,
        });
      });
    },
  };
  return { runner, requests, finish: (status: BenchmarkResult['status'] = 'completed') => finish(status) };
}

export function memoryHistory(): BenchmarkHistory {
  return memoryJsonlHistory<BenchmarkResult>();
}

export function memoryJsonlHistory<T>(): JsonlHistory<T> {
  const entries: T[] = [];
  return { list: (limit = 50) => entries.slice(0, limit), add: (entry) => void entries.unshift(entry) };
}

export function memorySettings(): SettingsService {
  let current: Settings = DEFAULT_SETTINGS;
  return {
    get: () => current,
    update: (patch) => (current = applySettingsPatch(current, patch)),
    recovery: () => null,
    restoreLastGood: () => {
      throw new Error('memorySettings keeps no last good copy');
    },
    dismissRecovery: () => undefined,
  };
}

export function unusedDocker(info: EngineInfo = engineInfo): ContainerRuntime {
  const no = () => Promise.reject(new Error('not used in this test'));
  return {
    info: async () => info,
    hasImage: no,
    loadImage: no,
    createContainer: no,
    listContainers: async () => [],
    removeContainer: no,
    pullImage: no,
    inspectImage: no,
    removeImage: no,
    listImages: no,
  };
}

export function fakeAgentDeps(overrides: Partial<AgentDeps> = {}) {
  const runner = controllableRunner();
  const { logger, entries } = recordingLogger();
  const deps: AgentDeps = {
    mode: 'headless',
    version: '0.0.0-test',
    platform: 'linux',
    docker: unusedDocker(),
    gpuProbe: { detect: async () => detectionOf([]), streamTelemetry: () => ({ stop() {} }) },
    runChecks: async () => checksOf(false),
    benchmarkRunner: runner.runner,
    settings: memorySettings(),
    history: memoryHistory(),
    availabilityHistory: memoryJsonlHistory(),
    clock: { now: () => new Date(0) },
    logger,
    ...overrides,
  };
  return { deps, runner, logEntries: entries };
}
