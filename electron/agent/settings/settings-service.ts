import {
  applySettingsPatch,
  type Settings,
  SettingsSchema,
  type SettingsPatch,
  SETTINGS_SCHEMA_VERSION,
} from '../../../shared/domain/settings';
import { AgentError } from '../../../shared/api/result';
import { failClosedSettings, type SettingsRecovery, settingsRecoveryMessage } from '../../../shared/domain/settings-recovery';
import type { Logger, SettingsStore } from '../ports';
import { migrations } from './migrations';

export interface SettingsService {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
  /** Set when the stored settings could not be used at start (settings failed closed). */
  recovery(): SettingsRecovery | null;
  /** Puts the last good copy back in effect (and on disk); clears the recovery. */
  restoreLastGood(): Settings;
  /** The owner has read the notice and keeps the current settings. */
  dismissRecovery(): void;
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
 * Loads settings once, keeps them in memory, writes every change through the store, and
 * after each successful save a last good copy.
 *
 * Fails closed: a document that cannot be read or does not validate is never replaced by
 * defaults silently. It is kept aside (the store moved an unparsable file; an invalid one
 * is copied), RigShift starts paused until the owner resumes and with bidding off
 * (settings-recovery.ts), and recovery() says what happened and whether the last good copy
 * can be restored. While the notice stands, saves do not overwrite the last good copy.
 */
export function createSettingsService(store: SettingsStore, logger: Logger, clock: { now(): Date } = { now: () => new Date() }): SettingsService {
  let current: Settings;
  let notice: SettingsRecovery | null = null;
  const lastGoodInfo = (): SettingsRecovery['lastGood'] => {
    const copy = store.readLastGood?.();
    if (!copy) return null;
    try {
      migrateSettings(copy.document);
      return { savedAt: copy.savedAt, path: copy.path };
    } catch {
      return null; // a copy that does not validate is no help
    }
  };
  const failClosed = (reason: SettingsRecovery['reason'], detail: string, keptAt: string | null) => {
    const base = { reason, detail: detail.slice(0, 2000), keptAt, lastGood: lastGoodInfo() };
    notice = { ...base, message: settingsRecoveryMessage(base) };
    current = failClosedSettings(clock.now());
    logger.warn('settings: could not be used; started paused with bidding off', { reason, keptAt, lastGood: Boolean(base.lastGood) });
  };

  const damaged = store.damaged?.() ?? null;
  if (damaged) {
    failClosed('unreadable', damaged.error, damaged.keptAt);
  } else {
    try {
      const stored = store.read();
      const { settings, migrated } = migrateSettings(stored);
      current = settings;
      if (migrated) store.write(current);
      // Existing installs get a last good copy at their first start with this version.
      if (stored !== undefined) store.writeLastGood?.(current);
    } catch (error) {
      if (error instanceof AgentError && error.code === 'settings_too_new') throw error;
      failClosed('invalid', String(error), store.keepAside?.() ?? null);
    }
  }
  return {
    get: () => current,
    update(patch) {
      const next = applySettingsPatch(current, patch);
      store.write(next);
      current = next;
      if (!notice) store.writeLastGood?.(current);
      return current;
    },
    recovery: () => notice,
    restoreLastGood() {
      const copy = store.readLastGood?.();
      if (!copy) throw new AgentError('no_last_good_settings', 'There is no last good copy of the settings to restore.');
      const { settings } = migrateSettings(copy.document);
      store.write(settings);
      current = settings;
      notice = null;
      logger.info('settings: last good copy restored', { savedAt: copy.savedAt });
      return current;
    },
    dismissRecovery() {
      notice = null;
      store.writeLastGood?.(current);
    },
  };
}
