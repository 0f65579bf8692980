import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PresenceSettings } from '../../../shared/domain/controls';
import { PresenceReadingsSchema, type PresenceReadings } from '../../../shared/domain/availability';
import { createPresenceMonitor, OFF_REASON, type PresenceMonitorDeps } from '../../../electron/agent/presence/presence-monitor';
import type { BatteryReading, FullscreenReading, GpuForeignProcess, IdleReading } from '../../../electron/agent/presence/presence-ports';
import { recordingLogger } from '../../helpers/silent-logger';

const UUID = 'GPU-12345678-1234-1234-1234-123456789abc';
const AT = '2026-11-23T10:00:00.000Z';

function allOn(): PresenceSettings {
  return {
    idle: { enabled: true, minutes: 5 },
    processes: { enabled: true, builtIn: true, watchList: ['blender'] },
    fullscreen: { enabled: true },
    gpuInUse: { enabled: true, thresholdPercent: 5 },
    battery: { enabled: true },
  };
}

/** Sources whose answers the test sets; each counts its reads. */
function world() {
  const w = {
    idle: { available: true, idleSeconds: 0, source: 'test' } as IdleReading,
    processes: ['bash'] as string[],
    fullscreen: { available: true, active: false } as FullscreenReading,
    gpu: [] as GpuForeignProcess[],
    battery: { available: false, reason: 'no battery' } as BatteryReading,
    temps: { [UUID]: 61 } as Record<string, number>,
    reads: { idle: 0, processes: 0, fullscreen: 0, gpu: 0, battery: 0 },
    settings: allOn(),
  };
  const { logger, entries } = recordingLogger();
  const deps: PresenceMonitorDeps = {
    idle: { read: async () => (w.reads.idle++, w.idle) },
    processes: { list: async () => (w.reads.processes++, w.processes) },
    fullscreen: { read: async () => (w.reads.fullscreen++, w.fullscreen) },
    gpuProcesses: { read: async () => (w.reads.gpu++, { available: true as const, processes: w.gpu, via: 'test NVML' }) },
    battery: { read: async () => (w.reads.battery++, w.battery) },
    settings: () => w.settings,
    clock: { now: () => new Date() },
    logger,
    temperatures: () => w.temps,
  };
  return { w, deps, entries };
}

describe('createPresenceMonitor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-23T10:00:00.000Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('readNow returns schema-valid readings with watched processes matched and temperatures copied', async () => {
    const { w, deps } = world();
    w.processes = ['bash', 'Blender', 'gameoverlayui.exe', 'steam.exe'];
    const monitor = createPresenceMonitor(deps);
    expect(monitor.latest()).toBeNull();
    const readings = await monitor.readNow();
    expect(PresenceReadingsSchema.parse(readings)).toEqual(readings);
    expect(readings).toEqual({
      idle: { available: true, idleSeconds: 0, source: 'test' },
      runningWatched: ['Blender', 'gameoverlayui.exe'],
      fullscreen: { available: true, active: false },
      gpuForeignProcesses: [],
      battery: { available: false, reason: 'no battery' },
      temperaturesC: { [UUID]: 61 },
      detectors: {
        idle: { state: 'watching', saw: 'keyboard or mouse in use', via: 'test', since: AT, readAt: AT },
        processes: { state: 'watching', saw: 'Blender, gameoverlayui.exe', since: AT, readAt: AT },
        fullscreen: { state: 'watching', saw: null, since: AT, readAt: AT },
        gpuInUse: { state: 'watching', saw: null, via: 'test NVML', since: AT, readAt: AT },
        battery: { state: 'unavailable', reason: 'no battery', since: AT, readAt: AT },
      },
      readAt: AT,
    });
    expect(monitor.latest()).toEqual(readings);
  });

  it('polls at 1 s (idle, processes, full-screen), 2 s (GPU), 30 s (battery)', async () => {
    const { w, deps } = world();
    const monitor = createPresenceMonitor(deps);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(w.reads).toEqual({ idle: 1, processes: 1, fullscreen: 1, gpu: 1, battery: 1 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(w.reads).toEqual({ idle: 31, processes: 31, fullscreen: 31, gpu: 16, battery: 2 });
    monitor.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(w.reads.idle).toBe(31);
  });

  it('only enabled detectors run; switching one off stops it at the next tick and reads as off', async () => {
    const { w, deps } = world();
    w.settings = { ...allOn(), gpuInUse: { enabled: false, thresholdPercent: 5 }, battery: { enabled: false } };
    const monitor = createPresenceMonitor(deps);
    monitor.start();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(w.reads.gpu).toBe(0);
    expect(w.reads.battery).toBe(0);
    expect(monitor.latest()?.battery).toEqual({ available: false, reason: OFF_REASON });

    const seen: PresenceReadings[] = [];
    monitor.onChange((r) => seen.push(r));
    w.processes = ['blender'];
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen.at(-1)?.runningWatched).toEqual(['blender']);
    w.settings = { ...w.settings, processes: { ...w.settings.processes, enabled: false } };
    const before = w.reads.processes;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(w.reads.processes).toBe(before);
    expect(seen.at(-1)?.runningWatched).toEqual([]);
    monitor.stop();
  });

  it('emits on the first reading and then only on relevant changes, not every tick', async () => {
    const { w, deps } = world();
    const monitor = createPresenceMonitor(deps);
    const seen: PresenceReadings[] = [];
    monitor.onChange((r) => seen.push(r));
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toHaveLength(1);

    // Idle seconds ticking up below the threshold, temperatures and battery percent: no event.
    for (let s = 1; s <= 10; s++) {
      w.idle = { available: true, idleSeconds: s, source: 'test' };
      w.temps = { [UUID]: 60 + s };
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(seen).toHaveLength(1);
    expect(monitor.latest()?.idle).toEqual({ available: true, idleSeconds: 10, source: 'test' });
    expect(monitor.latest()?.temperaturesC).toEqual({ [UUID]: 70 });

    // Crossing the owner's 5 minutes: one event; staying idle: none; input: one event within a tick.
    w.idle = { available: true, idleSeconds: 300, source: 'test' };
    await vi.advanceTimersByTimeAsync(1_000);
    w.idle = { available: true, idleSeconds: 301, source: 'test' };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toHaveLength(2);
    w.idle = { available: true, idleSeconds: 0, source: 'test' };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toHaveLength(3);
    expect(seen[2]?.idle).toEqual({ available: true, idleSeconds: 0, source: 'test' });

    // A foreign GPU process appears (event), its memory grows (no event), it leaves (event).
    w.gpu = [{ pid: 9, name: 'blender', gpuUuid: UUID, usedMiB: 100 }];
    await vi.advanceTimersByTimeAsync(2_000);
    w.gpu = [{ pid: 9, name: 'blender', gpuUuid: UUID, usedMiB: 900 }];
    await vi.advanceTimersByTimeAsync(2_000);
    w.gpu = [];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(5);

    // Full-screen and battery state changes are relevant.
    w.fullscreen = { available: true, active: true, app: 'Game' };
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(6);
    w.battery = { available: true, onBattery: true, percent: 80 };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(seen).toHaveLength(7);
    w.battery = { available: true, onBattery: true, percent: 79 };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(seen).toHaveLength(7);
    monitor.stop();
  });

  it('a slow read skips ticks instead of piling up, and resumes after it finishes', async () => {
    const { w, deps } = world();
    let release: () => void = () => undefined;
    let calls = 0;
    deps.gpuProcesses = {
      read: () => {
        calls++;
        const none = { available: true as const, processes: [], via: 'test' };
        return calls === 2 ? new Promise((resolve) => (release = () => resolve(none))) : Promise.resolve(none);
      },
    };
    const monitor = createPresenceMonitor(deps);
    monitor.start();
    await vi.advanceTimersByTimeAsync(2_000); // second call starts and hangs
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000); // five ticks while it hangs
    expect(calls).toBe(2);
    expect(monitor.skipped().gpuInUse).toBe(5);
    // readNow joins the running read instead of starting another one.
    const now = monitor.readNow();
    release();
    await now;
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(3);
    // The other detectors kept their pace meanwhile.
    expect(w.reads.idle).toBe(16); // 1 at start, 14 ticks, 1 readNow
    monitor.stop();
  });

  it('a failing source reads as unavailable (idle) or keeps the last list (processes), warning once', async () => {
    const { w, deps, entries } = world();
    w.processes = ['blender'];
    const monitor = createPresenceMonitor(deps);
    await monitor.readNow();
    deps.idle.read = async () => Promise.reject(new Error('boom'));
    deps.processes.list = async () => Promise.reject(new Error('tasklist failed'));
    monitor.start();
    await vi.advanceTimersByTimeAsync(3_000);
    const latest = monitor.latest();
    expect(latest?.idle).toEqual({ available: false, reason: 'idle check failed: boom' });
    expect(latest?.runningWatched).toEqual(['blender']);
    expect(entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'presence detector "idle" failed',
      'presence detector "processes" failed',
    ]);
    monitor.stop();
  });

  it('a listener that throws does not stop the others; unsubscribe works', async () => {
    const { w, deps } = world();
    const monitor = createPresenceMonitor(deps);
    const got: number[] = [];
    monitor.onChange(() => {
      throw new Error('listener bug');
    });
    const off = monitor.onChange(() => got.push(1));
    await monitor.readNow();
    off();
    w.processes = ['blender'];
    await monitor.readNow();
    expect(got).toEqual([1]);
  });

  it('each detector reports what it saw and since when; `since` stays while that holds and moves when it changes', async () => {
    const { w, deps } = world();
    w.idle = { available: true, idleSeconds: 3600, source: 'test' };
    const monitor = createPresenceMonitor(deps);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(monitor.latest()?.detectors.fullscreen).toEqual({ state: 'watching', saw: null, since: AT, readAt: AT });

    await vi.advanceTimersByTimeAsync(4_000);
    w.fullscreen = { available: true, active: true, app: 'Hollow Knight' };
    await vi.advanceTimersByTimeAsync(1_000);
    const went = monitor.latest()!.detectors.fullscreen;
    expect(went).toEqual({ state: 'watching', saw: 'Hollow Knight', since: '2026-11-23T10:00:05.000Z', readAt: '2026-11-23T10:00:05.000Z' });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(monitor.latest()!.detectors.fullscreen).toMatchObject({ saw: 'Hollow Knight', since: '2026-11-23T10:00:05.000Z', readAt: '2026-11-23T10:00:09.000Z' });

    // Unavailable with the source's reason; a failing GPU source says so instead of "nothing".
    w.fullscreen = { available: false, reason: 'no X11 desktop' };
    deps.gpuProcesses.read = async () => Promise.reject(new Error('NVML gone'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(monitor.latest()!.detectors.fullscreen).toEqual({
      state: 'unavailable',
      reason: 'no X11 desktop',
      since: '2026-11-23T10:00:10.000Z',
      readAt: '2026-11-23T10:00:11.000Z',
    });
    expect(monitor.latest()!.detectors.gpuInUse).toMatchObject({ state: 'unavailable', reason: 'GPU process check failed: NVML gone' });

    // Switched off: "off" from the next tick.
    w.settings = { ...w.settings, battery: { enabled: false } };
    await vi.advanceTimersByTimeAsync(30_000);
    expect(monitor.latest()!.detectors.battery).toEqual({ state: 'off', since: expect.any(String) });
    expect(PresenceReadingsSchema.parse(monitor.latest())).toEqual(monitor.latest());
    monitor.stop();
  });

  it("a GPU process under the owner's threshold is listed but not seen; crossing it is an event", async () => {
    const { w, deps } = world();
    w.idle = { available: true, idleSeconds: 3600, source: 'test' };
    w.gpu = [{ pid: 77, name: 'firefox', gpuUuid: UUID, usedMiB: 300, gpuPercent: 2 }];
    const monitor = createPresenceMonitor(deps);
    const seen: PresenceReadings[] = [];
    monitor.onChange((r) => seen.push(r));
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(monitor.latest()!.gpuForeignProcesses).toHaveLength(1);
    expect(monitor.latest()!.detectors.gpuInUse).toMatchObject({ state: 'watching', saw: null });
    w.gpu = [{ pid: 77, name: 'firefox', gpuUuid: UUID, usedMiB: 300, gpuPercent: 3 }];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(1);
    w.gpu = [{ pid: 77, name: 'firefox', gpuUuid: UUID, usedMiB: 300, gpuPercent: 40 }];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(2);
    expect(monitor.latest()!.detectors.gpuInUse).toMatchObject({ saw: 'firefox (pid 77, 40 %)', via: 'test NVML' });
    // The owner raises the threshold over it: no longer seen.
    w.settings = { ...w.settings, gpuInUse: { enabled: true, thresholdPercent: 50 } };
    await vi.advanceTimersByTimeAsync(2_000);
    expect(monitor.latest()!.detectors.gpuInUse).toMatchObject({ saw: null });
    monitor.stop();
  });

  it('a failing process list reads as unavailable with the reason, keeping the last list', async () => {
    const { w, deps } = world();
    w.processes = ['blender'];
    const monitor = createPresenceMonitor(deps);
    await monitor.readNow();
    deps.processes.list = async () => Promise.reject(new Error('tasklist failed'));
    await monitor.readNow();
    expect(monitor.latest()!.runningWatched).toEqual(['blender']);
    expect(monitor.latest()!.detectors.processes).toMatchObject({ state: 'unavailable', reason: 'process list failed: tasklist failed' });
  });
});
