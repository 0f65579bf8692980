import type { AvailabilityReport } from '../../../shared/domain/availability';
import type { ActiveBenchmark, BenchmarkResult } from '../../../shared/domain/benchmark';
import type { ChecksReport } from '../../../shared/domain/checks';
import type { GpuDetection } from '../../../shared/domain/gpu';
import type { JobRecord } from '../../../shared/domain/job';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import type { Snapshot } from '../../../shared/domain/snapshot';

export const detection: GpuDetection = {
  gpus: [],
  adapters: [],
  nvidiaSmi: { state: 'missing' },
  detectedAt: '2025-01-01T00:00:00.000Z',
};

export const checksReport: ChecksReport = {
  checks: [{ id: 'docker-engine', title: 'Docker engine', state: 'ok', summary: 'Docker 27 reachable' }],
  gpuJobsAllowed: false,
  checkedAt: '2025-01-01T00:00:00.000Z',
};

export function availabilityReport(overrides: Partial<AvailabilityReport> = {}): AvailabilityReport {
  return {
    gpus: [
      {
        gpuUuid: 'cpu',
        gpuName: 'CPU',
        state: 'available',
        reasons: [],
        headline: 'Available',
        since: '2025-01-01T00:00:00.000Z',
      },
    ],
    powerLimits: [],
    presence: null,
    history: [],
    ...overrides,
  };
}

export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    version: 1,
    agent: { version: '0.1.0', mode: 'headless', platform: 'linux', startedAt: '2025-01-01T00:00:00.000Z' },
    detection: null,
    detecting: false,
    checks: null,
    checksRunning: false,
    benchmark: { active: null, history: [] },
    settings: DEFAULT_SETTINGS,
    availability: availabilityReport(),
    jobs: { active: [], history: [] },
    ...overrides,
  };
}

export function progress(runId: string, fraction = 0.5): ActiveBenchmark {
  return {
    runId,
    kind: 'cpu',
    startedAt: '2025-01-01T00:00:00.000Z',
    phase: 'cpu-sgemm',
    label: 'CPU matrix multiply',
    fraction,
    elapsedMs: 1000,
  };
}

export function result(id: string): BenchmarkResult {
  return {
    id,
    status: 'completed',
    kind: 'cpu',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:05:00.000Z',
    durationMs: 300_000,
    device: { name: 'CPU', uuid: null, driverVersion: null },
    image: 'rigshift/bench-cpu:1',
    runtime: 'runc',
    metrics: [{ id: 'cpu_fp32_gflops', label: 'CPU SGEMM', unit: 'GFLOPS', value: 420 }],
    integrity: [],
    telemetry: [],
    comparisons: [],
    warnings: [],
    suggestedPrice: null,
  };
}

/** A job record: running by default; pass a reason and state 'finished' for history. */
export function job(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    name: `job ${id}`,
    image: `registry.example/render@sha256:${'a'.repeat(64)}`,
    deviceId: 'GPU-1',
    runtime: 'runsc',
    network: 'none',
    preemptible: true,
    state: 'running',
    reason: null,
    exitCode: null,
    message: 'Running',
    timings: {
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: '2025-01-01T00:00:05.000Z',
      finishedAt: null,
      prepareMs: 5000,
      runMs: null,
    },
    outputs: [],
    logs: { bytesKept: 0, bytesDropped: 0 },
    ...overrides,
  };
}

/** The record jobFinished carries for `id`. */
export function finishedJob(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return job(id, {
    state: 'finished',
    reason: 'completed',
    exitCode: 0,
    message: 'Completed in 42 s',
    timings: {
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: '2025-01-01T00:00:05.000Z',
      finishedAt: '2025-01-01T00:00:47.000Z',
      prepareMs: 5000,
      runMs: 42_000,
    },
    ...overrides,
  });
}
