import { describe, expect, it } from 'vitest';
import {
  type AvailabilityInputs,
  CPU_DEVICE_ID,
  decideAvailability,
} from '../../../electron/agent/availability/availability-engine';
import type { GpuAvailability } from '../../../shared/domain/availability';
import { controls, dailyCells, GPU, OTHER_GPU, quiet } from './fixtures';

// Monday 2026-11-23 12:00 UTC.
const NOON = new Date('2026-11-23T12:00:00Z');

function inputs(overrides: Partial<AvailabilityInputs> = {}): AvailabilityInputs {
  return {
    now: NOON,
    devices: [{ uuid: GPU, name: 'NVIDIA GeForce RTX 4090', renting: false }],
    gpuJobsAllowed: true,
    controls: controls(),
    presence: quiet(),
    previous: new Map(),
    ...overrides,
  };
}

const decide = (overrides: Partial<AvailabilityInputs> = {}) => decideAvailability(inputs(overrides));
const only = (overrides: Partial<AvailabilityInputs> = {}) => decide(overrides).devices[0]!;

describe('availability engine', () => {
  it('is available when nothing stands in the way', () => {
    const device = only();
    expect(device.state).toBe('available');
    expect(device.reasons).toEqual([]);
    expect(device.headline).toBe('Available');
  });

  it('renting stays renting while nothing stands in the way', () => {
    const decision = decide({ devices: [{ uuid: GPU, name: 'x', renting: true }] });
    expect(decision.devices[0]!.state).toBe('renting');
    expect(decision.toYield).toEqual([]);
  });

  it('pauses for a running game, naming it', () => {
    const device = only({ presence: quiet({ runningWatched: ['Cyberpunk2077.exe'] }) });
    expect(device.state).toBe('paused');
    expect(device.headline).toBe('Paused: Cyberpunk2077.exe is running');
  });

  it('yields a renting device the moment the owner needs it', () => {
    const decision = decide({
      devices: [{ uuid: GPU, name: 'x', renting: true }],
      presence: quiet({ runningWatched: ['eldenring.exe'] }),
    });
    expect(decision.devices[0]!.state).toBe('yielding');
    expect(decision.toYield).toEqual([GPU]);
    expect(decision.devices[0]!.headline).toBe('Yielding: eldenring.exe is running');
  });

  it('puts the owner\'s explicit pause first, whatever else is going on', () => {
    const device = only({
      controls: controls({ pause: { kind: 'indefinite', since: NOON.toISOString() } }),
      presence: quiet({ runningWatched: ['game.exe'], battery: { available: true, onBattery: true, percent: 50 } }),
    });
    expect(device.reasons.map((r) => r.code)).toEqual(['manual', 'battery', 'process']);
  });

  it('"finish this job, then pause": a manual pause alone spares the running job; a game still takes the device back', () => {
    const paused = controls({ pause: { kind: 'indefinite', since: NOON.toISOString() } });
    const finishing = decide({ controls: paused, devices: [{ uuid: GPU, name: 'x', renting: true, finishesFirst: true }] });
    expect(finishing.toYield).toEqual([]);
    expect(finishing.devices[0]!.state).toBe('renting');
    expect(finishing.devices[0]!.headline).toBe('Finishing this job, then paused: you paused renting until you resume');
    const game = decide({
      controls: paused,
      devices: [{ uuid: GPU, name: 'x', renting: true, finishesFirst: true }],
      presence: quiet({ runningWatched: ['eldenring.exe'] }),
    });
    expect(game.toYield).toEqual([GPU]);
    const unmarked = decide({ controls: paused, devices: [{ uuid: GPU, name: 'x', renting: true }] });
    expect(unmarked.toYield).toEqual([GPU]);
  });

  it('ends a timed pause by itself', () => {
    const until = new Date(NOON.getTime() + 3600_000).toISOString();
    const paused = only({ controls: controls({ pause: { kind: 'until', until } }) });
    expect(paused.reasons[0]).toMatchObject({ code: 'manual', until });
    expect(paused.headline).toBe('Paused: you paused renting until 13:00');
    const later = only({ now: new Date(NOON.getTime() + 3600_001), controls: controls({ pause: { kind: 'until', until } }) });
    expect(later.state).toBe('available');
  });

  it('waits for the idle threshold and says when renting can start', () => {
    const device = only({ presence: quiet({ idle: { available: true, idleSeconds: 120, source: 't' } }) });
    expect(device.reasons[0]?.code).toBe('input-active');
    expect(device.reasons[0]?.until).toBe(new Date(NOON.getTime() + 480_000).toISOString());
    expect(only({ presence: quiet({ idle: { available: true, idleSeconds: 600, source: 't' } }) }).state).toBe('available');
  });

  it('does not invent presence when idle time is unavailable', () => {
    expect(only({ presence: quiet({ idle: { available: false, reason: 'Wayland' } }) }).state).toBe('available');
  });

  it('ignores a detector the owner switched off', () => {
    const c = controls();
    c.presence = { ...c.presence, processes: { ...c.presence.processes, enabled: false } };
    expect(only({ controls: c, presence: quiet({ runningWatched: ['game.exe'] }) }).state).toBe('available');
  });

  it('pauses only the GPU that another program is using', () => {
    const decision = decide({
      devices: [
        { uuid: GPU, name: 'a', renting: false },
        { uuid: OTHER_GPU, name: 'b', renting: false },
      ],
      presence: quiet({ gpuForeignProcesses: [{ pid: 42, name: 'blender', gpuUuid: OTHER_GPU, usedMiB: 900 }] }),
    });
    expect(decision.devices.map((d) => d.state)).toEqual(['available', 'paused']);
    expect(decision.devices[1]!.headline).toBe('Paused: blender is using the GPU');
  });

  it('respects the per-GPU switch and the machine checklist, which do not apply to the CPU', () => {
    const c = controls({ gpus: { [GPU]: { enabled: false, powerLimitW: null } } });
    expect(only({ controls: c }).reasons[0]?.code).toBe('disabled');
    expect(only({ gpuJobsAllowed: false }).reasons[0]?.code).toBe('not-ready');
    const cpu = only({ gpuJobsAllowed: false, devices: [{ uuid: CPU_DEVICE_ID, name: 'CPU', renting: false }] });
    expect(cpu.state).toBe('available');
  });

  it('pauses on the temperature gate', () => {
    const device = only({ devices: [{ uuid: GPU, name: 'x', renting: false, temperature: { paused: true, message: 'GPU at 84 °C' } }] });
    expect(device.headline).toBe('Paused: GPU at 84 °C');
  });

  it('pauses outside the owner\'s hours and says when they resume', () => {
    // Overnight only (23:00–07:00 UTC); at noon that is outside.
    const c = controls({ schedule: { timeZone: 'UTC', cells: dailyCells(46, 14) } });
    const device = only({ controls: c });
    expect(device.reasons).toHaveLength(1);
    expect(device.reasons[0]?.code).toBe('schedule');
    expect(device.reasons[0]?.until).toBe('2026-11-23T23:00:00.000Z');
    expect(device.headline).toMatch(/^Paused: outside your hours \(resumes 23:00\)/);
  });

  it('pauses with a clear reason instead of crashing on an unknown time zone', () => {
    const c = controls({ schedule: { timeZone: 'Mars/Olympus_Mons', cells: '1'.repeat(336) } });
    const device = only({ controls: c });
    expect(device.state).toBe('paused');
    expect(device.headline).toMatch(/time zone "Mars\/Olympus_Mons" is unknown/);
  });

  it('keeps `since` while the state holds and resets it on a change', () => {
    const first = only();
    const previous = new Map<string, GpuAvailability>([[GPU, first]]);
    const later = new Date(NOON.getTime() + 60_000);
    expect(only({ now: later, previous }).since).toBe(first.since);
    expect(only({ now: later, previous, presence: quiet({ runningWatched: ['g.exe'] }) }).since).toBe(later.toISOString());
  });
});
