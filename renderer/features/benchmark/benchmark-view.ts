import type { BenchmarkResult, BenchmarkTarget, Metric } from '../../../shared/domain/benchmark';

/** <select> values for targets: `auto`, `cpu`, `gpu:<uuid>`. */
export function targetToValue(target: BenchmarkTarget): string {
  return target.kind === 'gpu' ? `gpu:${target.gpuUuid}` : target.kind;
}

export function valueToTarget(value: string): BenchmarkTarget {
  if (value === 'cpu') return { kind: 'cpu' };
  if (value.startsWith('gpu:')) return { kind: 'gpu', gpuUuid: value.slice(4) };
  return { kind: 'auto' };
}

const HEADLINE_ORDER = ['fp16_tflops', 'fp32_tflops', 'cpu_fp32_gflops'];

/** The one figure a history row shows: tensor throughput for GPUs, SGEMM for CPUs. */
export function headlineMetric(result: BenchmarkResult): Metric | null {
  for (const id of HEADLINE_ORDER) {
    const metric = result.metrics.find((m) => m.id === id);
    if (metric) return metric;
  }
  return result.metrics[0] ?? null;
}

export interface TelemetrySummary {
  maxTemperatureC: number | null;
  maxPowerW: number | null;
  maxCpuPercent: number | null;
  throttleReasons: string[];
}

export function summariseTelemetry(result: BenchmarkResult): TelemetrySummary {
  const max = (values: (number | null | undefined)[]) => {
    const present = values.filter((v): v is number => typeof v === 'number');
    return present.length > 0 ? Math.max(...present) : null;
  };
  const samples = result.telemetry;
  return {
    maxTemperatureC: max(samples.map((s) => s.temperatureC)),
    maxPowerW: max(samples.map((s) => s.powerW)),
    maxCpuPercent: max(samples.map((s) => s.cpuPercent)),
    throttleReasons: [...new Set(samples.flatMap((s) => s.throttleReasons ?? []))],
  };
}

export const RUNTIME_LABELS: Record<string, string> = {
  runsc: 'gVisor (runsc): sandboxed',
  runc: 'runc: standard containers',
  nvidia: 'nvidia (runc with GPU hooks)',
};
