/**
 * The owner's GPU-use threshold (issue 14): migration 0007 adds it with the default, keeps a
 * valid value, and the schema refuses what is not a whole percent from 1 to 100. The engine
 * pauses for another process at or over it, not under it.
 */
import { describe, expect, it } from 'vitest';
import { decideAvailability } from '../../../electron/agent/availability/availability-engine';
import { m0007GpuUseThreshold } from '../../../electron/agent/settings/migrations/0007-gpu-use-threshold';
import { migrateSettings } from '../../../electron/agent/settings/settings-service';
import { applySettingsPatch, DEFAULT_SETTINGS, SETTINGS_SCHEMA_VERSION } from '../../../shared/domain/settings';
import { controls, GPU, quiet } from '../availability/fixtures';

describe('settings migration 0007: GPU-use threshold', () => {
  it('a version-5 document gets the 5 % default, everything else kept', () => {
    const v5 = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>;
    v5.schemaVersion = 5;
    const presence = (v5.controls as { presence: Record<string, unknown> }).presence;
    presence.gpuInUse = { enabled: false };
    const { settings, migrated } = migrateSettings(v5);
    expect(migrated).toBe(true);
    expect(settings.schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
    expect(settings.controls.presence.gpuInUse).toEqual({ enabled: false, thresholdPercent: 5 });
    expect(settings.controls.presence.idle).toEqual(DEFAULT_SETTINGS.controls.presence.idle);
  });

  it('keeps a valid threshold and replaces an invalid one', () => {
    const up = (gpuInUse: unknown) =>
      (m0007GpuUseThreshold.up({ schemaVersion: 6, controls: { presence: { gpuInUse } } }) as {
        controls: { presence: { gpuInUse: unknown } };
      }).controls.presence.gpuInUse;
    expect(up({ enabled: true, thresholdPercent: 20 })).toEqual({ enabled: true, thresholdPercent: 20 });
    expect(up({ enabled: true, thresholdPercent: 0 })).toEqual({ enabled: true, thresholdPercent: 5 });
    expect(up({ enabled: true, thresholdPercent: 2.5 })).toEqual({ enabled: true, thresholdPercent: 5 });
    expect(up(undefined)).toEqual({ enabled: true, thresholdPercent: 5 });
  });

  it('the settings schema refuses a threshold outside 1–100 or not whole', () => {
    const patch = (thresholdPercent: number) => () =>
      applySettingsPatch(DEFAULT_SETTINGS, {
        controls: { presence: { ...DEFAULT_SETTINGS.controls.presence, gpuInUse: { enabled: true, thresholdPercent } } },
      });
    expect(patch(12)().controls.presence.gpuInUse.thresholdPercent).toBe(12);
    for (const bad of [0, 101, 7.5, -1]) expect(patch(bad)).toThrow();
  });
});

describe('the engine and the threshold', () => {
  const decide = (gpuPercent: number | null, thresholdPercent = 5) => {
    const c = controls();
    c.presence = { ...c.presence, gpuInUse: { enabled: true, thresholdPercent } };
    const {
      devices: [gpu],
    } = decideAvailability({
      now: new Date('2026-11-23T10:00:00Z'),
      devices: [{ uuid: GPU, name: 'RTX', renting: false }],
      gpuJobsAllowed: true,
      controls: c,
      presence: quiet({ gpuForeignProcesses: [{ pid: 7, name: 'eldenring.exe', gpuUuid: GPU, usedMiB: 6000, gpuPercent }] }),
      previous: new Map(),
    });
    return gpu!;
  };

  it('pauses for a process at or over the threshold and says how much it uses', () => {
    expect(decide(5).state).toBe('paused');
    expect(decide(63).reasons).toEqual([{ code: 'gpu-busy', message: 'eldenring.exe is using the GPU (63 %, your threshold is 5 %)' }]);
  });

  it('does not pause for one under it; an unknown share counts (never guessed idle)', () => {
    expect(decide(4).state).toBe('available');
    expect(decide(30, 50).state).toBe('available');
    expect(decide(null).state).toBe('paused');
  });
});
