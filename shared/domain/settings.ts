import { z } from 'zod';

/**
 * The owner's settings, persisted by the settings port (electron-store in the app,
 * the same file format through `conf` in headless mode). Every change of shape gets a
 * numbered migration in electron/agent/settings/migrations and a bump here.
 */
export const SETTINGS_SCHEMA_VERSION = 1;

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
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  schemaVersion: SETTINGS_SCHEMA_VERSION,
  sandbox: { preferGvisor: true },
  ui: { theme: 'system', fixOs: 'auto' },
  onboarding: { firstRunDone: false },
};

/** A partial update: each group may be given in part. */
export const SettingsPatchSchema = z
  .object({
    sandbox: SettingsSchema.shape.sandbox.partial().strict(),
    ui: SettingsSchema.shape.ui.partial().strict(),
    onboarding: SettingsSchema.shape.onboarding.partial().strict(),
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
  });
}
