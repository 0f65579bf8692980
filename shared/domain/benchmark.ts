import { z } from 'zod';
import { ApiErrorSchema } from '../api/result';

/** What to benchmark: `auto` picks the first usable NVIDIA GPU, else the CPU workload. */
export const BenchmarkTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('auto') }),
  z.object({ kind: z.literal('cpu') }),
  z.object({ kind: z.literal('gpu'), gpuUuid: z.string().min(1) }),
]);
export type BenchmarkTarget = z.infer<typeof BenchmarkTargetSchema>;

export const MetricIdSchema = z.enum([
  'fp32_tflops', // GPU FP32 SGEMM
  'fp16_tflops', // GPU FP16 tensor GEMM, FP32 accumulate
  'bf16_tflops', // GPU BF16 tensor GEMM, FP32 accumulate
  'mem_bw_gbps', // GPU device-to-device copy, read+write bytes counted
  'h2d_gbps', // pinned host-to-device
  'd2h_gbps', // pinned device-to-host
  'cpu_fp32_gflops', // CPU blocked SGEMM, all threads
  'cpu_mem_bw_gbps', // CPU memcpy of buffers far larger than the caches, read+write bytes
]);
export type MetricId = z.infer<typeof MetricIdSchema>;

export const MetricSchema = z.object({
  id: MetricIdSchema,
  label: z.string(),
  unit: z.string(),
  /** The headline figure: the median over the whole measurement phase. */
  value: z.number().nonnegative(),
  /** Median of the first windows after warm-up (card still cool). */
  burst: z.number().nonnegative().optional(),
  /** Median of the last windows (closer to thermal steady state). */
  sustained: z.number().nonnegative().optional(),
});
export type Metric = z.infer<typeof MetricSchema>;

export const IntegrityCheckSchema = z.object({
  name: z.enum(['vram-pattern', 'ram-pattern']),
  bytesChecked: z.number().nonnegative(),
  errors: z.number().int().nonnegative(),
  ok: z.boolean(),
});
export type IntegrityCheck = z.infer<typeof IntegrityCheckSchema>;

/** One telemetry sample taken by the agent while the benchmark ran (host side). */
export const TelemetrySampleSchema = z.object({
  /** Milliseconds since the benchmark container started. */
  t: z.number().nonnegative(),
  powerW: z.number().nullable().optional(),
  temperatureC: z.number().nullable().optional(),
  smClockMHz: z.number().nullable().optional(),
  memClockMHz: z.number().nullable().optional(),
  /** Active clock-event (throttle) reasons, e.g. `sw_power_cap`, `hw_thermal_slowdown`. */
  throttleReasons: z.array(z.string()).optional(),
  /** CPU path: container CPU use in % of one core, and memory in MiB. */
  cpuPercent: z.number().nullable().optional(),
  memMiB: z.number().nullable().optional(),
});
export type TelemetrySample = z.infer<typeof TelemetrySampleSchema>;

export const ComparisonSchema = z.object({
  metricId: MetricIdSchema,
  measured: z.number(),
  /** The figure a healthy card of this model reaches (theoretical peak × expected fraction). */
  reference: z.number(),
  /** Theoretical peak from the spec table, for display. */
  peak: z.number(),
  unit: z.string(),
  /** measured / reference. */
  fraction: z.number(),
  verdict: z.enum(['ok', 'low', 'failing']),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

export const BenchmarkWarningSchema = z.object({
  code: z.enum(['throttled', 'power-limited', 'pcie-narrow', 'underperforming', 'integrity', 'no-reference']),
  message: z.string(),
});
export type BenchmarkWarning = z.infer<typeof BenchmarkWarningSchema>;

export const SuggestedPriceSchema = z.object({
  /** Suggested ask in the marketplace stablecoin (USD) per GPU-hour. */
  usdPerHour: z.number().nonnegative(),
  /** How it was derived, in words, with the reference-table date. */
  basis: z.string(),
});
export type SuggestedPrice = z.infer<typeof SuggestedPriceSchema>;

export const BenchmarkResultSchema = z.object({
  id: z.string(),
  status: z.enum(['completed', 'cancelled', 'failed']),
  kind: z.enum(['gpu', 'cpu']),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number().nonnegative(),
  device: z.object({
    name: z.string(),
    uuid: z.string().nullable(),
    driverVersion: z.string().nullable(),
  }),
  image: z.string(),
  /** The OCI runtime that really ran the container (`runc`, `runsc`, ...). */
  runtime: z.string(),
  metrics: z.array(MetricSchema),
  integrity: z.array(IntegrityCheckSchema),
  telemetry: z.array(TelemetrySampleSchema),
  comparisons: z.array(ComparisonSchema),
  warnings: z.array(BenchmarkWarningSchema),
  suggestedPrice: SuggestedPriceSchema.nullable(),
  error: ApiErrorSchema.optional(),
});
export type BenchmarkResult = z.infer<typeof BenchmarkResultSchema>;

/** The run in progress, as pushed to the UI. */
export const ActiveBenchmarkSchema = z.object({
  runId: z.string(),
  kind: z.enum(['gpu', 'cpu']),
  startedAt: z.string(),
  /** Machine name of the phase (`image`, `start`, `fp16`, `memory`, ...). */
  phase: z.string(),
  /** Human label of the phase ("Loading benchmark image", "FP16 tensor throughput"). */
  label: z.string(),
  /** Overall progress, 0..1. */
  fraction: z.number().min(0).max(1),
  elapsedMs: z.number().nonnegative(),
});
export type ActiveBenchmark = z.infer<typeof ActiveBenchmarkSchema>;
