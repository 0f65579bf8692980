import { z } from 'zod';

/**
 * The owner's controls (issue: owner controls). Persisted inside Settings.controls.
 * Money is in the marketplace stablecoin's base units (6 decimals, "micros"), carried as
 * decimal strings so no float ever touches it and JSON can hold it.
 */

/** 7 days × 48 half-hour cells, Monday 00:00 first, in the owner's time zone. '1' = may rent. */
export const SCHEDULE_CELLS = 7 * 48;
export const ScheduleCellsSchema = z
  .string()
  .regex(new RegExp(`^[01]{${SCHEDULE_CELLS}}$`), `The schedule must have ${SCHEDULE_CELLS} half-hour cells of 0 or 1.`);

export const WeeklyScheduleSchema = z.object({
  /** IANA zone, e.g. "Europe/Berlin"; the grid is wall-clock time there, DST included. */
  timeZone: z.string().min(1),
  cells: ScheduleCellsSchema,
});
export type WeeklySchedule = z.infer<typeof WeeklyScheduleSchema>;

/** "Pause for 1 h / until tomorrow / until I resume", persisted so a restart keeps it. */
export const ManualPauseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('until'), until: z.string().datetime() }),
  z.object({ kind: z.literal('indefinite'), since: z.string().datetime() }),
]);
export type ManualPause = z.infer<typeof ManualPauseSchema>;

export const MicrosSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,17})$/, 'An amount in micro-units must be a whole, non-negative number.');

export const PresenceSettingsSchema = z.object({
  idle: z.object({ enabled: z.boolean(), minutes: z.number().int().min(1).max(240) }),
  processes: z.object({
    enabled: z.boolean(),
    /** Use the built-in list of common games, launchers and engines. */
    builtIn: z.boolean(),
    /** The owner's own entries: executable names, case-insensitive ("eldenring.exe", "blender"). */
    watchList: z.array(z.string().trim().min(1).max(128)).max(200),
  }),
  fullscreen: z.object({ enabled: z.boolean() }),
  gpuInUse: z.object({
    enabled: z.boolean(),
    /** Another process at or over this share of the GPU (percent) means the owner is using it. Schema 7. */
    thresholdPercent: z.number().int().min(1).max(100),
  }),
  battery: z.object({ enabled: z.boolean() }),
});
export type PresenceSettings = z.infer<typeof PresenceSettingsSchema>;

export const PriceSettingsSchema = z.object({
  /** Never rent below this, in stablecoin micros per GPU-hour. */
  floorMicrosPerHour: MicrosSchema,
  /** Electricity price in stablecoin micros per kWh (0 when the owner does not pay for it). */
  electricityMicrosPerKwh: MicrosSchema,
  /** Rest-of-system wall power while rented (CPU, board, fans), in watts. */
  systemOverheadW: z.number().min(0).max(2000),
  /** When on, the effective floor is max(floor, break-even × (1 + margin)). */
  neverBelowBreakEven: z.boolean(),
  marginPercent: z.number().min(0).max(1000),
});
export type PriceSettings = z.infer<typeof PriceSettingsSchema>;

export const GpuControlSchema = z.object({
  /** Per-GPU switch: this card may be rented at all. */
  enabled: z.boolean(),
  /** Power limit applied for the time of a rental, in watts; null = leave the card as it is. */
  powerLimitW: z.number().int().positive().nullable(),
});
export type GpuControl = z.infer<typeof GpuControlSchema>;

export const ControlsSchema = z.object({
  schedule: WeeklyScheduleSchema,
  pause: ManualPauseSchema,
  presence: PresenceSettingsSchema,
  price: PriceSettingsSchema,
  /** Pause at this GPU temperature, resume below it minus 5 °C. */
  temperatureLimitC: z.number().int().min(50).max(100),
  /** Keyed by GPU UUID; a GPU without an entry uses { enabled: true, powerLimitW: null }. */
  gpus: z.record(z.string(), GpuControlSchema),
});
export type Controls = z.infer<typeof ControlsSchema>;

export const TEMPERATURE_HYSTERESIS_C = 5;
