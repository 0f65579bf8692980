import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA_VERSION } from '../../../shared/domain/settings';
import { createConfSettingsStore } from '../../../electron/agent/node-adapters/conf-settings-store';
import { createSettingsService, migrateSettings } from '../../../electron/agent/settings/settings-service';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

describe('migrateSettings', () => {
  it('turns an empty store into the defaults of the current version', () => {
    expect(migrateSettings(undefined)).toEqual({ settings: DEFAULT_SETTINGS, migrated: true });
  });

  it('keeps groups the owner set in an unversioned document', () => {
    const { settings } = migrateSettings({ ui: { theme: 'dark' } });
    expect(settings.ui).toEqual({ theme: 'dark', fixOs: 'auto' });
    expect(settings.sandbox).toEqual(DEFAULT_SETTINGS.sandbox);
  });

  it('leaves a current document alone', () => {
    const stored = { ...DEFAULT_SETTINGS, ui: { theme: 'light', fixOs: 'windows' } };
    expect(migrateSettings(stored)).toEqual({ settings: stored, migrated: false });
  });

  it('migrations 2 and 3 add the owner controls and the image budget to a version-1 document, keeping the rest', () => {
    const v1 = { schemaVersion: 1, sandbox: { preferGvisor: false }, ui: { theme: 'dark', fixOs: 'linux' }, onboarding: { firstRunDone: true } };
    const { settings, migrated } = migrateSettings(v1);
    expect(migrated).toBe(true);
    expect(settings.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(settings.sandbox.preferGvisor).toBe(false);
    expect(settings.ui.theme).toBe('dark');
    expect(settings.controls.schedule.cells).toMatch(/^1{336}$/);
    expect(settings.controls.price.neverBelowBreakEven).toBe(true);
    expect(settings.controls.pause).toEqual({ kind: 'none' });
  });

  it('migration 3 adds the job image budget and keeps the owner controls', () => {
    const v2 = migrateSettings(undefined).settings as Record<string, unknown>;
    const asV2 = { ...v2, schemaVersion: 2, controls: { ...DEFAULT_SETTINGS.controls, temperatureLimitC: 77 } };
    delete (asV2 as Record<string, unknown>).jobs;
    const { settings } = migrateSettings(asV2);
    expect(settings.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(settings.jobs).toEqual({ imageBudgetGiB: 40, allowEgress: false });
    expect(settings.controls.temperatureLimitC).toBe(77);
  });

  it('migration 4 adds the network (local devnet), wallet, market and desktop groups and keeps the rest', () => {
    const current = migrateSettings(undefined).settings as Record<string, unknown>;
    // A finished wizard: migration 6 keeps the bidding choice migration 4 made.
    const asV3: Record<string, unknown> = {
      ...current,
      schemaVersion: 3,
      onboarding: { firstRunDone: true },
      jobs: { imageBudgetGiB: 12, allowEgress: true },
    };
    for (const key of ['network', 'wallet', 'market', 'desktop']) delete asV3[key];
    const { settings, migrated } = migrateSettings(asV3);
    expect(migrated).toBe(true);
    expect(settings.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(settings.jobs).toEqual({ imageBudgetGiB: 12, allowEgress: true });
    expect(settings.network).toEqual({ kind: 'devnet' });
    expect(settings.wallet.payoutAddress).toBeNull();
    expect(settings.market.bidding).toBe(true);
    expect(settings.desktop).toEqual({ startOnLogin: false, closeToTray: true, mutedNotifications: [] });
  });

  it('a new install does not bid until the wizard ends with "Start renting" (migration 6)', () => {
    expect(migrateSettings(undefined).settings.market.bidding).toBe(false);
    expect(migrateSettings({}).settings.market.bidding).toBe(false);
  });

  it('migration 6 turns bidding off where the wizard is not finished, and keeps a finished install\'s choice', () => {
    const current = migrateSettings(undefined).settings;
    const v5 = (firstRunDone: boolean, bidding: boolean) => ({
      ...current,
      schemaVersion: 5,
      onboarding: { firstRunDone, skipped: [] },
      market: { ...current.market, bidding },
    });
    expect(migrateSettings(v5(false, true)).settings.market.bidding).toBe(false);
    expect(migrateSettings(v5(true, true)).settings.market.bidding).toBe(true);
    expect(migrateSettings(v5(true, false)).settings.market.bidding).toBe(false);
    const kept = migrateSettings(v5(true, true)).settings;
    expect(kept.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(kept.market.blockedRequesters).toEqual([]);
  });

  it('refuses a document written by a newer version instead of downgrading it', () => {
    expect(() => migrateSettings({ schemaVersion: 99 })).toThrow(/newer RigShift/);
  });
});

describe('settings service over the conf store', () => {
  const dirs: Array<{ cleanup(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

  it('persists a change and reads it back after a restart', () => {
    const dir = tempDir();
    dirs.push(dir);
    const { logger } = recordingLogger();
    const first = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    first.update({ ui: { theme: 'dark' }, sandbox: { preferGvisor: false } });
    const second = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    expect(second.get().ui.theme).toBe('dark');
    expect(second.get().sandbox.preferGvisor).toBe(false);
    expect(JSON.parse(readFileSync(join(dir.path, 'settings.json'), 'utf8')).schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
  });

  it('rejects an invalid patch and keeps the stored value', () => {
    const dir = tempDir();
    dirs.push(dir);
    const { logger } = recordingLogger();
    const service = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    service.update({ ui: { theme: 'light' } });
    expect(() => service.update({ ui: { theme: 'neon' as never } })).toThrow();
    expect(service.get().ui.theme).toBe('light');
  });

  /** An owner who paused "until I resume", set a price floor and turned bidding on, saved. */
  function ownerSaved(dir: string) {
    const { logger } = recordingLogger();
    const service = createSettingsService(createConfSettingsStore(dir, logger), logger);
    service.update({
      controls: { pause: { kind: 'indefinite', since: '2026-12-01T08:00:00.000Z' }, price: { ...DEFAULT_SETTINGS.controls.price, floorMicrosPerHour: '450000' } },
      market: { bidding: true },
    });
    return service.get();
  }

  it('fails closed on a corrupt file: kept aside, paused until the owner resumes, bidding off, and says so', () => {
    const dir = tempDir();
    dirs.push(dir);
    const saved = ownerSaved(dir.path);
    writeFileSync(join(dir.path, 'settings.json'), '{"ui": {"theme": "da');
    const { logger, entries } = recordingLogger();
    const service = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    // Not the defaults (which rent and bid): paused and not bidding.
    expect(service.get().controls.pause.kind).toBe('indefinite');
    expect(service.get().market.bidding).toBe(false);
    const backups = readdirSync(dir.path).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir.path, backups[0]!), 'utf8')).toBe('{"ui": {"theme": "da');
    expect(entries.some((e) => e.level === 'warn' && /moved aside/.test(e.message))).toBe(true);
    const recovery = service.recovery();
    expect(recovery).toMatchObject({ reason: 'unreadable', keptAt: join(dir.path, backups[0]!), lastGood: { path: join(dir.path, 'settings.last-good.json') } });
    expect(recovery?.message).toMatch(/could not be read.*started paused, with market bidding off.*price floor.*last good copy/s);

    // Restoring brings back what the owner had, pause and floor included.
    const restored = service.restoreLastGood();
    expect(restored).toEqual(saved);
    expect(service.recovery()).toBeNull();
    const again = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    expect(again.get()).toEqual(saved);
    expect(again.recovery()).toBeNull();
  });

  it('fails closed on a document that parses but does not validate, keeping a copy of it aside', () => {
    const dir = tempDir();
    dirs.push(dir);
    ownerSaved(dir.path);
    const bad = { ...JSON.parse(readFileSync(join(dir.path, 'settings.json'), 'utf8')), market: { bidding: 'yes please' } };
    writeFileSync(join(dir.path, 'settings.json'), JSON.stringify(bad));
    const { logger } = recordingLogger();
    const service = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    expect(service.get().controls.pause.kind).toBe('indefinite');
    expect(service.get().market.bidding).toBe(false);
    expect(service.recovery()?.reason).toBe('invalid');
    const kept = readdirSync(dir.path).filter((f) => f.startsWith('settings.json.invalid-'));
    expect(kept).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir.path, kept[0]!), 'utf8'))).toEqual(bad);
  });

  it('keeps the last good copy while the notice stands, however often the owner saves', () => {
    const dir = tempDir();
    dirs.push(dir);
    const saved = ownerSaved(dir.path);
    writeFileSync(join(dir.path, 'settings.json'), 'not json');
    const { logger } = recordingLogger();
    const service = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    service.update({ controls: { pause: { kind: 'none' } } });
    service.update({ ui: { theme: 'light' } });
    expect(service.recovery()?.lastGood).not.toBeNull();
    expect(service.restoreLastGood()).toEqual(saved);
  });

  it('says so when no last good copy exists, and dismissing keeps the current settings as the new good copy', () => {
    const dir = tempDir();
    dirs.push(dir);
    writeFileSync(join(dir.path, 'settings.json'), '{');
    const { logger } = recordingLogger();
    const service = createSettingsService(createConfSettingsStore(dir.path, logger), logger);
    expect(service.recovery()?.lastGood).toBeNull();
    expect(service.recovery()?.message).toMatch(/No earlier copy was saved/);
    expect(() => service.restoreLastGood()).toThrow(/no last good copy/);
    service.dismissRecovery();
    expect(service.recovery()).toBeNull();
    expect(service.restoreLastGood().controls.pause.kind).toBe('indefinite');
  });
});
