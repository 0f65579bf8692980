import type { PresenceReadings } from '../../../shared/domain/availability';
import { type Controls, SCHEDULE_CELLS } from '../../../shared/domain/controls';
import { defaultControls } from '../../../shared/domain/settings';

export const GPU = 'GPU-11111111-2222-3333-4444-555555555555';
export const OTHER_GPU = 'GPU-99999999-2222-3333-4444-555555555555';

export function controls(overrides: Partial<Controls> = {}): Controls {
  return { ...defaultControls('UTC'), ...overrides };
}

/** Every detector watching and seeing nothing, since the epoch. */
export function quietDetectors(): PresenceReadings['detectors'] {
  const at = new Date(0).toISOString();
  const watching = { state: 'watching' as const, saw: null, since: at, readAt: at };
  return { idle: watching, processes: watching, fullscreen: watching, gpuInUse: watching, battery: watching };
}

/** Presence with nobody at the PC: long idle, nothing running, mains power. */
export function quiet(overrides: Partial<PresenceReadings> = {}): PresenceReadings {
  return {
    idle: { available: true, idleSeconds: 3600, source: 'test' },
    runningWatched: [],
    fullscreen: { available: true, active: false },
    gpuForeignProcesses: [],
    battery: { available: true, onBattery: false, percent: 100 },
    temperaturesC: {},
    detectors: quietDetectors(),
    readAt: new Date(0).toISOString(),
    ...overrides,
  };
}

/** Cells on only between two half-hour slots of every day (local time of the schedule). */
export function dailyCells(fromSlot: number, toSlot: number): string {
  let cells = '';
  for (let i = 0; i < SCHEDULE_CELLS; i += 1) {
    const slot = i % 48;
    cells += (fromSlot <= toSlot ? slot >= fromSlot && slot < toSlot : slot >= fromSlot || slot < toSlot) ? '1' : '0';
  }
  return cells;
}
