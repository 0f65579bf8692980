import { z } from 'zod';

/**
 * One reading of one GPU from the always-on telemetry monitor
 * (electron/agent/gpu/telemetry-monitor.ts). Every value is null where nvidia-smi printed
 * `[N/A]` / `[Not Supported]` for it (common for utilization.memory or power.draw on some
 * laptop and older cards).
 */
export const GpuTelemetrySchema = z.object({
  /** `GPU-...` UUID, the key the rest of the agent uses. */
  uuid: z.string().min(1),
  /** When the agent received the line (ISO 8601). */
  at: z.string().datetime(),
  powerW: z.number().nullable(),
  temperatureC: z.number().nullable(),
  /** % of the sample period a kernel was running. */
  utilizationGpuPct: z.number().nullable(),
  /** % of the sample period device memory was read or written. */
  utilizationMemoryPct: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  memoryTotalMiB: z.number().nullable(),
  smClockMHz: z.number().nullable(),
  memClockMHz: z.number().nullable(),
  /** Decoded clock-event (throttle) reasons, e.g. `sw_power_cap`; null when not reported. */
  throttleReasons: z.array(z.string()).nullable(),
});
export type GpuTelemetry = z.infer<typeof GpuTelemetrySchema>;
