import { z } from 'zod';
import { type Controls, ControlsSchema, SCHEDULE_CELLS } from './controls';

/**
 * The owner's settings, persisted by the settings port (electron-store in the app,
 * the same file format through `conf` in headless mode). Every change of shape gets a
 * numbered migration in electron/agent/settings/migrations and a bump here.
 */
export const SETTINGS_SCHEMA_VERSION = 3;

export const SettingsSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION),
  sandbox: z.object({
    /** Run containers under gVisor (runsc) when the engine has it registered. */
    preferGvisor: z.boolean(),
  }),
  ui: z.object({
    theme: z.enum(['system', 'light', 'dark']),
    /** Which OS the fix instructions are shown for first. */
    fixOs: z.enum(['auto', 'linux', 'windows']),
  }),
  onboarding: z.object({
    /** The owner has been through the first-run screen at least once. */
    firstRunDone: z.boolean(),
  }),
  controls: ControlsSchema,
  jobs: z.object({
    /** Disk the job-image cache may use; least recently used job images go first. */
    imageBudgetGiB: z.number().int().min(1).max(4096),
    /**
     * Jobs that ask for it may reach the internet, never the LAN, the host or cloud
     * metadata (per-job bridge + firewall; Linux with the agent as root only). Off by default.
     */
    allowEgress: z.boolean(),
  }),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** The machine's time zone, where the runtime knows it. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * Defaults follow what owners of idle-PC apps expect (peers.md): rent whenever the PC is
 * idle for 10 minutes, pause for games, full screen, other GPU use and battery, and never
 * below the electricity break-even plus 10 %.
 */
export function defaultControls(timeZone: string = localTimeZone()): Controls {
  return {
    schedule: { timeZone, cells: '1'.repeat(SCHEDULE_CELLS) },
    pause: { kind: 'none' },
    presence: {
      idle: { enabled: true, minutes: 10 },
      processes: { enabled: true, builtIn: true, watchList: [] },
      fullscreen: { enabled: true },
      gpuInUse: { enabled: true },
      battery: { enabled: true },
    },
    price: {
      floorMicrosPerHour: '0',
      // 0.18 USD/kWh: a mid-range household price (US residential ~0.13-0.32, EU average ~0.29 EUR).
      electricityMicrosPerKwh: '180000',
      systemOverheadW: 90,
      neverBelowBreakEven: true,
      marginPercent: 10,
    },
    temperatureLimitC: 83,
    gpus: {},
  };
}

/** Room for a few CUDA images (5 to 15 GB each) until the owner sets a budget. */
export const DEFAULT_IMAGE_BUDGET_GIB = 40;

export const DEFAULT_SETTINGS: Settings = {
  schemaVersion: SETTINGS_SCHEMA_VERSION,
  sandbox: { preferGvisor: true },
  ui: { theme: 'system', fixOs: 'auto' },
  onboarding: { firstRunDone: false },
  controls: defaultControls('UTC'),
  jobs: { imageBudgetGiB: DEFAULT_IMAGE_BUDGET_GIB, allowEgress: false },
};

/** A partial update: each group may be given in part. */
export const SettingsPatchSchema = z
  .object({
    sandbox: SettingsSchema.shape.sandbox.partial().strict(),
    ui: SettingsSchema.shape.ui.partial().strict(),
    onboarding: SettingsSchema.shape.onboarding.partial().strict(),
    /** Each controls group is replaced whole: the UI edits and validates one group at a time. */
    controls: ControlsSchema.partial().strict(),
    jobs: SettingsSchema.shape.jobs.partial().strict(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return SettingsSchema.parse({
    ...current,
    sandbox: { ...current.sandbox, ...patch.sandbox },
    ui: { ...current.ui, ...patch.ui },
    onboarding: { ...current.onboarding, ...patch.onboarding },
    controls: { ...current.controls, ...patch.controls },
    jobs: { ...current.jobs, ...patch.jobs },
  });
}
