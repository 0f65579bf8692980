import { z } from 'zod';

/**
 * One reading model for every presence detector, on every system (issue 14). Each detector
 * says whether it can work here (and why not), what app or process it saw that means "the
 * owner is here" (null: nothing), through what (xprop, NVML, a Toolhelp snapshot…), since
 * when that has been so, and when it last looked. The Controls page shows it as it is.
 */
export const PresenceDetectorIdSchema = z.enum(['idle', 'processes', 'fullscreen', 'gpuInUse', 'battery']);
export type PresenceDetectorId = z.infer<typeof PresenceDetectorIdSchema>;
export const PRESENCE_DETECTOR_IDS = PresenceDetectorIdSchema.options;

export const DetectorStatusSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('watching'),
    /** "eldenring (pid 4242, 37 % of the GPU)"; null when nothing says the owner is here. */
    saw: z.string().nullable(),
    /** How it looks: "xprop (X11 _NET_WM_STATE)", "NVML", "nvidia-smi pmon", "ps". */
    via: z.string().optional(),
    /** Since when `saw` has held (it changed then), as the agent's clock saw it. */
    since: z.string().datetime(),
    readAt: z.string().datetime(),
  }),
  z.object({
    state: z.literal('unavailable'),
    /** Plain words: what is missing and, where there is one, what the owner can do. */
    reason: z.string(),
    since: z.string().datetime(),
    readAt: z.string().datetime(),
  }),
  z.object({ state: z.literal('off'), since: z.string().datetime() }),
]);
export type DetectorStatus = z.infer<typeof DetectorStatusSchema>;

export const PresenceDetectorsSchema = z.object({
  idle: DetectorStatusSchema,
  processes: DetectorStatusSchema,
  fullscreen: DetectorStatusSchema,
  gpuInUse: DetectorStatusSchema,
  battery: DetectorStatusSchema,
});
export type PresenceDetectors = z.infer<typeof PresenceDetectorsSchema>;

/** A process using a GPU that is not one of our rentals (nor the desktop's compositor). */
export const GpuForeignProcessSchema = z.object({
  pid: z.number().int(),
  name: z.string(),
  gpuUuid: z.string(),
  usedMiB: z.number().nullable(),
  /**
   * Its share of the GPU's 3D/SM engine over the last sample window, 0–100; null when the
   * system cannot tell per process (then it counts as using the GPU, as before).
   */
  gpuPercent: z.number().min(0).max(100).nullable().optional(),
});
export type GpuForeignProcess = z.infer<typeof GpuForeignProcessSchema>;

export const DEFAULT_GPU_USE_THRESHOLD_PERCENT = 5;

/** "The owner is using the GPU": at or over the owner's threshold, or unknown (never guessed idle). */
export function overGpuUseThreshold(process: GpuForeignProcess, thresholdPercent: number): boolean {
  return process.gpuPercent === null || process.gpuPercent === undefined || process.gpuPercent >= thresholdPercent;
}

/** "eldenring (pid 4242, 37 %)" */
export function describeGpuProcess(process: GpuForeignProcess): string {
  const share = typeof process.gpuPercent === 'number' ? `, ${Math.round(process.gpuPercent)} %` : '';
  return `${process.name} (pid ${process.pid}${share})`;
}
