import {
  applySettingsPatch,
  DEFAULT_SETTINGS,
  type Settings,
  SettingsSchema,
  type SettingsPatch,
  SETTINGS_SCHEMA_VERSION,
} from '../../../shared/domain/settings';
import { AgentError } from '../../../shared/api/result';
import type { Logger, SettingsStore } from '../ports';
import { migrations } from './migrations';

export interface SettingsService {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
}

/** Brings any stored document up to the current schema version. Pure. */
export function migrateSettings(stored: unknown): { settings: Settings; migrated: boolean } {
  let document: Record<string, unknown> =
    typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...(stored as object) } : {};
  const from = typeof document.schemaVersion === 'number' ? document.schemaVersion : 0;
  if (from > SETTINGS_SCHEMA_VERSION) {
    throw new AgentError(
      'settings_too_new',
      `The settings file was written by a newer RigShift (schema ${from}, this version knows ${SETTINGS_SCHEMA_VERSION}).`,
      'Update RigShift, or start it with another --data-dir. The file was left untouched.',
    );
  }
  for (const migration of migrations) {
    if (migration.to > from) document = migration.up(document);
  }
  return { settings: SettingsSchema.parse(document), migrated: from !== SETTINGS_SCHEMA_VERSION };
}

/**
 * Loads settings once, keeps them in memory, writes every change through the store.
 * A document that fails validation is not overwritten silently: it is kept as it is
 * (the store adapter backs it up) and defaults are used until the owner saves a change.
 */
export function createSettingsService(store: SettingsStore, logger: Logger): SettingsService {
  let current: Settings;
  try {
    const { settings, migrated } = migrateSettings(store.read());
    current = settings;
    if (migrated) store.write(current);
  } catch (error) {
    if (error instanceof AgentError && error.code === 'settings_too_new') throw error;
    logger.warn('settings: stored document is invalid; using defaults until the next change', {
      error: String(error),
    });
    current = DEFAULT_SETTINGS;
  }
  return {
    get: () => current,
    update(patch) {
      const next = applySettingsPatch(current, patch);
      store.write(next);
      current = next;
      return current;
    },
  };
}
