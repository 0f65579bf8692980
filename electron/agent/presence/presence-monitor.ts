/**
 * Polls the presence detectors and keeps the latest PresenceReadings.
 *
 * Intervals (PRESENCE_INTERVALS_MS): idle, process watch and full-screen every 1 s (input-
 * to-signal within 1 s; issue 14 targets p99 ≤ 1.5 s from a game going full screen to the
 * pause decision, which a 2 s poll cannot meet), GPU processes every 2 s, battery every 30 s.
 * Settings are read on every tick: a detector switched off stops polling its source at
 * once and reads as "off". A detector whose previous read is still running skips the tick
 * (counted in `skipped()`), so a slow nvidia-smi never piles up children.
 *
 * onChange fires only when something that changes a decision changed: idle availability
 * or source, idle crossing the owner's threshold (either way), the watched processes,
 * full-screen state, the foreign GPU processes (pid/name/GPU, not their memory), battery
 * state, and any detector's state, what it saw or why it is unavailable. Idle seconds
 * ticking up, battery percent, GPU shares under the threshold and temperatures alone do
 * not fire it; latest() and readNow() always carry the newest values. `temperatures` comes
 * from the telemetry monitor and is copied in as is.
 *
 * `detectors` is the one reading model of issue 14: per detector, watching (what it saw,
 * through what, since when), unavailable (why), or off. `since` moves only when that
 * changes; `readAt` is the last look.
 */
import type { PresenceSettings } from '../../../shared/domain/controls';
import type { PresenceReadings } from '../../../shared/domain/availability';
import {
  describeGpuProcess,
  type DetectorStatus,
  overGpuUseThreshold,
  type PresenceDetectors,
} from '../../../shared/domain/presence';
import type { Clock, Logger } from '../ports';
import { matchWatchList } from './process-watch';
import type {
  BatteryReading,
  BatterySource,
  FullscreenReading,
  FullscreenSource,
  GpuForeignProcess,
  GpuProcessSource,
  GpuUseReading,
  IdleReading,
  IdleSource,
  ProcessLister,
} from './presence-ports';

export type DetectorKey = 'idle' | 'processes' | 'fullscreen' | 'gpuInUse' | 'battery';

export const PRESENCE_INTERVALS_MS: Readonly<Record<DetectorKey, number>> = {
  idle: 1_000,
  processes: 1_000,
  fullscreen: 1_000,
  gpuInUse: 2_000,
  battery: 30_000,
};

export const OFF_REASON = 'turned off in settings';

export interface PresenceMonitorDeps {
  idle: IdleSource;
  processes: ProcessLister;
  fullscreen: FullscreenSource;
  gpuProcesses: GpuProcessSource;
  battery: BatterySource;
  settings: () => PresenceSettings;
  clock: Clock;
  logger: Logger;
  temperatures?: () => Record<string, number>;
  /** Overrides PRESENCE_INTERVALS_MS (tests, or a platform where a source is expensive). */
  intervalsMs?: Partial<Record<DetectorKey, number>>;
}

export interface PresenceMonitor {
  start(): void;
  stop(): void;
  /** Reads every enabled detector now (joining reads already running) and returns the result. */
  readNow(): Promise<PresenceReadings>;
  latest(): PresenceReadings | null;
  onChange(listener: (readings: PresenceReadings) => void): () => void;
  /** Ticks skipped because the previous read of that detector had not finished. */
  skipped(): Record<DetectorKey, number>;
}

interface State {
  idle: IdleReading;
  runningWatched: string[];
  fullscreen: FullscreenReading;
  gpuForeignProcesses: GpuForeignProcess[];
  gpu: GpuUseReading | null;
  battery: BatteryReading;
  /** Set when the process list failed last time (the previous list is kept). */
  processesFailure: string | null;
  detectors: PresenceDetectors;
}

const KEYS: readonly DetectorKey[] = ['idle', 'processes', 'fullscreen', 'gpuInUse', 'battery'];

/** What onChange compares: only the parts that can change a pause decision. */
export function relevantSignature(readings: PresenceReadings, settings: PresenceSettings): string {
  const idle = readings.idle.available
    ? `${readings.idle.source}:${readings.idle.idleSeconds >= settings.idle.minutes * 60 ? 'idle' : 'active'}`
    : `unavailable:${readings.idle.reason}`;
  const threshold = settings.gpuInUse.thresholdPercent;
  const gpu = readings.gpuForeignProcesses
    .map((p) => `${p.pid}/${p.name}/${p.gpuUuid}/${overGpuUseThreshold(p, threshold) ? 'over' : 'under'}`)
    .sort();
  const battery = readings.battery.available ? `onBattery:${readings.battery.onBattery}` : `unavailable:${readings.battery.reason}`;
  const detectors = KEYS.map((key) => {
    const d = readings.detectors[key];
    return d.state === 'watching' ? `${key}:${d.saw}` : d.state === 'unavailable' ? `${key}:unavailable:${d.reason}` : `${key}:off`;
  });
  return JSON.stringify([idle, readings.runningWatched, readings.fullscreen, gpu, battery, detectors]);
}

export function createPresenceMonitor(deps: PresenceMonitorDeps): PresenceMonitor {
  const { clock, logger } = deps;
  const intervals = { ...PRESENCE_INTERVALS_MS, ...deps.intervalsMs };
  const off = { available: false as const, reason: OFF_REASON };
  const startedAt = clock.now().toISOString();
  const offStatus: DetectorStatus = { state: 'off', since: startedAt };
  const state: State = {
    idle: off,
    runningWatched: [],
    fullscreen: off,
    gpuForeignProcesses: [],
    gpu: null,
    battery: off,
    processesFailure: null,
    detectors: { idle: offStatus, processes: offStatus, fullscreen: offStatus, gpuInUse: offStatus, battery: offStatus },
  };
  const inFlight: Record<DetectorKey, Promise<void> | null> = { idle: null, processes: null, fullscreen: null, gpuInUse: null, battery: null };
  const skippedTicks: Record<DetectorKey, number> = { idle: 0, processes: 0, fullscreen: 0, gpuInUse: 0, battery: 0 };
  const listeners = new Set<(readings: PresenceReadings) => void>();
  const lastError: Partial<Record<DetectorKey, string>> = {};
  let timers: Array<ReturnType<typeof setInterval>> = [];
  let latest: PresenceReadings | null = null;
  let lastSignature: string | null = null;
  let ready = false;

  const failed = (key: DetectorKey, error: unknown): string => {
    const message = error instanceof Error ? error.message : String(error);
    if (lastError[key] !== message) logger.warn(`presence detector "${key}" failed`, { error: message });
    lastError[key] = message;
    return message;
  };
  const succeeded = (key: DetectorKey) => delete lastError[key];

  /** Reads one source into `state`. Errors become "unavailable" (idle, full-screen, battery) or keep the last list. */
  async function readInto(key: DetectorKey, settings: PresenceSettings): Promise<void> {
    try {
      switch (key) {
        case 'idle':
          state.idle = await deps.idle.read();
          break;
        case 'processes':
          state.runningWatched = matchWatchList(await deps.processes.list(), settings.processes);
          state.processesFailure = null;
          break;
        case 'fullscreen':
          state.fullscreen = await deps.fullscreen.read();
          break;
        case 'gpuInUse':
          state.gpu = await deps.gpuProcesses.read();
          state.gpuForeignProcesses = state.gpu.available ? state.gpu.processes : [];
          break;
        case 'battery':
          state.battery = await deps.battery.read();
          break;
      }
      succeeded(key);
    } catch (error) {
      const message = failed(key, error);
      if (key === 'idle') state.idle = { available: false, reason: `idle check failed: ${message}` };
      if (key === 'fullscreen') state.fullscreen = { available: false, reason: `full-screen check failed: ${message}` };
      if (key === 'battery') state.battery = { available: false, reason: `battery check failed: ${message}` };
      if (key === 'processes') state.processesFailure = `process list failed: ${message}`;
      if (key === 'gpuInUse') state.gpu = { available: false, reason: `GPU process check failed: ${message}` };
    }
    updateStatus(key, settings);
  }

  /** What `key` says now, in the shared model; `since` kept while nothing it shows changed. */
  function updateStatus(key: DetectorKey, settings: PresenceSettings): void {
    const now = clock.now().toISOString();
    const previous = state.detectors[key];
    const next = currentStatus(key, settings, now);
    const same =
      previous.state === next.state &&
      (next.state === 'off' ||
        (next.state === 'watching' && previous.state === 'watching' && previous.saw === next.saw && previous.via === next.via) ||
        (next.state === 'unavailable' && previous.state === 'unavailable' && previous.reason === next.reason));
    state.detectors = { ...state.detectors, [key]: same ? { ...next, since: previous.since } : next };
  }

  function currentStatus(key: DetectorKey, settings: PresenceSettings, now: string): DetectorStatus {
    if (!settings[key].enabled) return { state: 'off', since: now };
    const watching = (saw: string | null, via?: string): DetectorStatus => ({
      state: 'watching',
      saw,
      ...(via ? { via } : {}),
      since: now,
      readAt: now,
    });
    const unavailable = (reason: string): DetectorStatus => ({ state: 'unavailable', reason, since: now, readAt: now });
    switch (key) {
      case 'idle':
        if (!state.idle.available) return unavailable(state.idle.reason);
        return watching(state.idle.idleSeconds < settings.idle.minutes * 60 ? 'keyboard or mouse in use' : null, state.idle.source);
      case 'processes':
        if (state.processesFailure) return unavailable(state.processesFailure);
        return watching(state.runningWatched.length > 0 ? state.runningWatched.join(', ') : null, deps.processes.via);
      case 'fullscreen':
        if (!state.fullscreen.available) return unavailable(state.fullscreen.reason);
        return watching(state.fullscreen.active ? (state.fullscreen.app ?? 'a full-screen window') : null, deps.fullscreen.via);
      case 'gpuInUse': {
        if (!state.gpu) return unavailable('no reading yet');
        if (!state.gpu.available) return unavailable(state.gpu.reason);
        const over = state.gpu.processes.filter((p) => overGpuUseThreshold(p, settings.gpuInUse.thresholdPercent));
        return watching(over.length > 0 ? over.map(describeGpuProcess).join(', ') : null, state.gpu.via);
      }
      case 'battery':
        if (!state.battery.available) return unavailable(state.battery.reason);
        return watching(state.battery.onBattery ? 'on battery' : null);
    }
  }

  function setOff(key: DetectorKey): void {
    if (key === 'idle') state.idle = off;
    if (key === 'processes') state.runningWatched = [];
    if (key === 'fullscreen') state.fullscreen = off;
    if (key === 'gpuInUse') {
      state.gpuForeignProcesses = [];
      state.gpu = null;
    }
    if (key === 'battery') state.battery = off;
    if (key === 'processes') state.processesFailure = null;
    if (state.detectors[key].state !== 'off') state.detectors = { ...state.detectors, [key]: { state: 'off', since: clock.now().toISOString() } };
  }

  function publish(): void {
    if (!ready) return;
    const settings = deps.settings();
    latest = {
      idle: state.idle,
      runningWatched: state.runningWatched,
      fullscreen: state.fullscreen,
      gpuForeignProcesses: state.gpuForeignProcesses,
      battery: state.battery,
      temperaturesC: { ...(deps.temperatures?.() ?? {}) },
      detectors: state.detectors,
      readAt: clock.now().toISOString(),
    };
    const signature = relevantSignature(latest, settings);
    if (signature === lastSignature) return;
    lastSignature = signature;
    for (const listener of listeners) {
      try {
        listener(latest);
      } catch (error) {
        logger.error('presence listener failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Starts a read of `key` unless one is running; returns the running or new read. */
  function poll(key: DetectorKey): Promise<void> {
    const running = inFlight[key];
    if (running) return running;
    const settings = deps.settings();
    if (!settings[key].enabled) {
      setOff(key);
      return Promise.resolve();
    }
    const read = readInto(key, settings).finally(() => {
      inFlight[key] = null;
    });
    inFlight[key] = read;
    return read;
  }

  function tick(key: DetectorKey): void {
    if (inFlight[key]) {
      skippedTicks[key] += 1;
      return;
    }
    void poll(key).then(() => {
      if (timers.length > 0) publish();
    });
  }

  async function readNow(): Promise<PresenceReadings> {
    await Promise.all(KEYS.map(poll));
    ready = true;
    publish();
    return latest!;
  }

  return {
    start() {
      if (timers.length > 0) return;
      timers = KEYS.map((key) => {
        const timer = setInterval(() => tick(key), intervals[key]);
        timer.unref?.();
        return timer;
      });
      readNow().catch((error: unknown) => logger.error('presence: first reading failed', { error: String(error) }));
    },
    stop() {
      for (const timer of timers) clearInterval(timer);
      timers = [];
      deps.fullscreen.close?.();
    },
    readNow,
    latest: () => latest,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    skipped: () => ({ ...skippedTicks }),
  };
}
