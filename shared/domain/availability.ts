import { z } from 'zod';
import { GpuForeignProcessSchema, PresenceDetectorsSchema } from './presence';

/**
 * What the availability engine decides for each GPU. `available`: may take a job now;
 * `paused`: not now, with every reason; `renting`: running a job; `yielding`: stopping a
 * job because the owner needs the GPU back.
 */
export const AvailabilityStateSchema = z.enum(['available', 'paused', 'renting', 'yielding']);
export type AvailabilityState = z.infer<typeof AvailabilityStateSchema>;

export const PauseCodeSchema = z.enum([
  'manual', // the owner pressed pause
  'schedule', // outside the owner's hours
  'input-active', // keyboard/mouse used recently
  'process', // a game or watched app is running
  'fullscreen', // a full-screen app is in front
  'gpu-busy', // something that is not a rental uses the GPU
  'battery', // running on battery
  'temperature', // GPU at or above the limit (resumes below limit − 5 °C)
  'disabled', // the owner switched this GPU off
  'not-ready', // the machine checklist blocks GPU jobs
]);
export type PauseCode = z.infer<typeof PauseCodeSchema>;

export const PauseReasonSchema = z.object({
  code: PauseCodeSchema,
  /** Shown as is: "Cyberpunk2077.exe is running", "outside your hours (resumes 23:00)". */
  message: z.string(),
  /** When this reason ends by itself, if known (schedule, timed pause). */
  until: z.string().datetime().optional(),
});
export type PauseReason = z.infer<typeof PauseReasonSchema>;

export const GpuAvailabilitySchema = z.object({
  gpuUuid: z.string(),
  gpuName: z.string(),
  state: AvailabilityStateSchema,
  /** Active reasons, most important first; empty unless paused or yielding. */
  reasons: z.array(PauseReasonSchema),
  /** One line for the status banner: "Paused: Cyberpunk2077.exe is running". */
  headline: z.string(),
  since: z.string().datetime(),
});
export type GpuAvailability = z.infer<typeof GpuAvailabilitySchema>;

export const AvailabilityTransitionSchema = z.object({
  at: z.string().datetime(),
  gpuUuid: z.string(),
  from: AvailabilityStateSchema,
  to: AvailabilityStateSchema,
  headline: z.string(),
});
export type AvailabilityTransition = z.infer<typeof AvailabilityTransitionSchema>;

/** The latest readings of every presence detector, for the UI to explain itself. */
export const PresenceReadingsSchema = z.object({
  idle: z.discriminatedUnion('available', [
    z.object({ available: z.literal(true), idleSeconds: z.number().nonnegative(), source: z.string() }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]),
  /** Watched executables seen running (names as the OS reports them). */
  runningWatched: z.array(z.string()),
  fullscreen: z.discriminatedUnion('available', [
    z.object({ available: z.literal(true), active: z.boolean(), app: z.string().optional() }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]),
  /**
   * Processes using a GPU that are not rental jobs nor the compositor, each with its share
   * of the GPU where known; the engine pauses for those at or over the owner's threshold.
   */
  gpuForeignProcesses: z.array(GpuForeignProcessSchema),
  battery: z.discriminatedUnion('available', [
    z.object({ available: z.literal(true), onBattery: z.boolean(), percent: z.number().nullable() }),
    z.object({ available: z.literal(false), reason: z.string() }),
  ]),
  /** Latest GPU temperatures by UUID. */
  temperaturesC: z.record(z.string(), z.number()),
  /** Every detector's state, what it saw and since when, or why it cannot work here. */
  detectors: PresenceDetectorsSchema,
  readAt: z.string().datetime(),
});
export type PresenceReadings = z.infer<typeof PresenceReadingsSchema>;

/** What happened to the owner's power limit for a rental: shown as it is, never assumed. */
export const PowerLimitStatusSchema = z.object({
  gpuUuid: z.string(),
  state: z.enum(['applied', 'failed', 'restored', 'restore-failed']),
  watts: z.number().nullable(),
  /** "Limited to 250 W for this rental", or why it could not be applied and what to do. */
  message: z.string(),
  at: z.string().datetime(),
});
export type PowerLimitStatus = z.infer<typeof PowerLimitStatusSchema>;

export const AvailabilityReportSchema = z.object({
  gpus: z.array(GpuAvailabilitySchema),
  /** The latest power-limit outcome per GPU (only GPUs with a limit set and a rental seen). */
  powerLimits: z.array(PowerLimitStatusSchema),
  presence: PresenceReadingsSchema.nullable(),
  /** Newest first, bounded. */
  history: z.array(AvailabilityTransitionSchema),
});
export type AvailabilityReport = z.infer<typeof AvailabilityReportSchema>;
