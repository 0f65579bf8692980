import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createAvailabilityController,
  type AvailabilityControllerDeps,
} from '../../../electron/agent/availability/availability-controller';
import { createRentalSlots } from '../../../electron/agent/availability/rental-slots';
import type { AvailabilityReport, AvailabilityTransition, PresenceReadings } from '../../../shared/domain/availability';
import type { Controls } from '../../../shared/domain/controls';
import type { GpuInfo } from '../../../shared/domain/gpu';
import { memoryJsonlHistory, rtx4090 } from '../../fakes/fake-agent-deps';
import { recordingLogger } from '../../helpers/silent-logger';
import { controls as makeControls, quiet } from './fixtures';

function fakeContainer() {
  const calls: string[] = [];
  let exit: () => void = () => undefined;
  const exited = new Promise<{ exitCode: number; oomKilled: boolean }>((resolve) => (exit = () => resolve({ exitCode: 143, oomKilled: false })));
  return {
    calls,
    container: {
      id: 'c1',
      kill: async (signal: 'SIGTERM' | 'SIGKILL') => {
        calls.push(signal);
        exit();
      },
      wait: () => exited,
      remove: async () => void calls.push('remove'),
    },
  };
}

describe('availability controller', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  function setup(options: { gpus?: GpuInfo[]; controls?: Controls } = {}) {
    let controls = options.controls ?? makeControls();
    let readings: PresenceReadings = quiet();
    const presenceListeners = new Set<(r: PresenceReadings) => void>();
    const reports: AvailabilityReport[] = [];
    const history = memoryJsonlHistory<AvailabilityTransition>();
    const { logger, entries } = recordingLogger();
    const slots = createRentalSlots({ logger });
    const deps: AvailabilityControllerDeps = {
      clock: { now: () => new Date() },
      logger,
      controls: () => controls,
      devices: () => ({ gpus: options.gpus ?? [rtx4090], gpuJobsAllowed: true, cpuName: 'Test CPU' }),
      presence: {
        latest: () => readings,
        onChange: (listener) => {
          presenceListeners.add(listener);
          return () => presenceListeners.delete(listener);
        },
      },
      temperatures: null,
      slots,
      history,
      onReport: (report) => reports.push(report),
    };
    const controller = createAvailabilityController(deps);
    return {
      controller,
      slots,
      reports,
      history,
      logEntries: entries,
      setPresence(next: Partial<PresenceReadings>) {
        readings = quiet(next);
        presenceListeners.forEach((listener) => listener(readings));
      },
      setControls(next: Controls) {
        controls = next;
        controller.evaluate('settings');
      },
    };
  }

  it('reports once at start and again only when something changed', () => {
    const t = setup();
    t.controller.start();
    expect(t.reports).toHaveLength(1);
    expect(t.reports[0]!.gpus[0]).toMatchObject({ gpuUuid: rtx4090.uuid, state: 'available' });
    t.controller.evaluate('nothing new');
    expect(t.reports).toHaveLength(1);
    t.controller.stop();
  });

  it('yields a renting GPU when a game starts, records the transitions and logs them', async () => {
    const t = setup();
    t.controller.start();
    const job = fakeContainer();
    t.slots.track({ deviceId: rtx4090.uuid, jobId: 'j1', preemptible: true, container: job.container });
    expect(t.controller.report().gpus[0]?.state).toBe('renting');
    t.setPresence({ runningWatched: ['Cyberpunk2077.exe'] });
    expect(t.controller.report().gpus[0]?.state).toBe('yielding');
    await vi.runAllTimersAsync();
    expect(job.calls).toEqual(['SIGTERM', 'remove']);
    expect(t.controller.report().gpus[0]).toMatchObject({ state: 'paused', headline: 'Paused: Cyberpunk2077.exe is running' });
    expect(t.history.list().map((h) => `${h.from}->${h.to}`)).toEqual(['yielding->paused', 'renting->yielding', 'available->renting']);
    expect(t.logEntries.some((e) => /renting → yielding: Yielding: Cyberpunk2077\.exe is running/.test(e.message))).toBe(true);
    t.controller.stop();
  });

  it('wakes itself when a timed pause ends, without polling', async () => {
    const t = setup();
    t.controller.start();
    const until = new Date(Date.now() + 3600_000).toISOString();
    t.setControls(makeControls({ pause: { kind: 'until', until } }));
    expect(t.controller.report().gpus[0]?.state).toBe('paused');
    const reportsBefore = t.reports.length;
    await vi.advanceTimersByTimeAsync(3599_000);
    expect(t.reports.length).toBe(reportsBefore);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(t.controller.report().gpus[0]?.state).toBe('available');
    t.controller.stop();
  });

  it('uses the CPU as the device when there is no NVIDIA GPU', () => {
    const t = setup({ gpus: [] });
    t.controller.start();
    expect(t.controller.report().gpus).toEqual([expect.objectContaining({ gpuUuid: 'cpu', gpuName: 'Test CPU', state: 'available' })]);
    t.controller.stop();
  });
});
