/**
 * The always-on GPU telemetry monitor: ONE long-lived `nvidia-smi --query-gpu=... -lms <ms>`
 * child for every GPU (no `-i`), instead of one process per GPU or per tick. It keeps the
 * latest reading of each card and a bounded history (10 minutes by default), and feeds the
 * temperature gate, the power view and the "GPU in use" presence signal.
 *
 * Robustness rules:
 *  - No nvidia-smi, or no NVIDIA GPU: the monitor goes idle ('unavailable') after one cheap
 *    `nvidia-smi -L`; no error, no timers, no respawning.
 *  - The CommandRunner stream does not report the child's exit, so a dead or wedged child is
 *    recognised by silence (no sample for `stallMs`) and restarted with bounded exponential
 *    backoff; the backoff resets after the first good sample.
 *  - Drivers older than R535 reject `clocks_event_reasons.active`; the monitor switches to
 *    `clocks_throttle_reasons.active`, exactly like the benchmark telemetry stream.
 *  - Readings older than `staleAfterMs` are left out of latest()/temperatures(), so a dead
 *    reader reads as "unknown" and never as a frozen, cool temperature.
 */
import { AgentError } from '../../../shared/api/result';
import type { GpuTelemetry } from '../../../shared/domain/telemetry';
import type { Clock, CommandResult, CommandRunner, Logger } from '../ports';
import { decodeClockEventReasons } from './clock-event-reasons';
import { csvCells, isNoValue, NO_DEVICES, numberCell, nvidiaSmiFailure, rejectedField } from './nvidia-smi-csv';
import {
  CLOCK_EVENT_REASONS_FIELD,
  LEGACY_THROTTLE_REASONS_FIELD,
  MIN_TELEMETRY_INTERVAL_MS,
  NVIDIA_UUID_PATTERN,
  type ReasonsField,
} from './telemetry-stream';

export const DEFAULT_MONITOR_INTERVAL_MS = 1_000;
export const DEFAULT_MONITOR_HISTORY_MS = 10 * 60_000;
export const MONITOR_BACKOFF_BASE_MS = 1_000;
export const MONITOR_BACKOFF_MAX_MS = 60_000;
/** `nvidia-smi -L` answers in well under a second; a wedged driver can hang it. */
export const MONITOR_PROBE_TIMEOUT_MS = 15_000;
/** Bounds memory even if something prints many distinct UUIDs. */
const MAX_TRACKED_GPUS = 64;

export const monitorFields = (reasonsField: ReasonsField = CLOCK_EVENT_REASONS_FIELD): string[] => [
  'uuid',
  'power.draw',
  'temperature.gpu',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'clocks.sm',
  'clocks.mem',
  reasonsField,
];

/** argv of the single long-lived reader (all GPUs, no `-i`). */
export function monitorArgs(intervalMs: number, reasonsField: ReasonsField = CLOCK_EVENT_REASONS_FIELD): string[] {
  assertInterval(intervalMs);
  return [`--query-gpu=${monitorFields(reasonsField).join(',')}`, '--format=csv,noheader,nounits', '-lms', String(intervalMs)];
}

/** The cheap presence probe run before (re)starting the reader. */
export const MONITOR_PROBE_ARGS: readonly string[] = ['-L'];

export type MonitorLine =
  | { kind: 'sample'; sample: Omit<GpuTelemetry, 'at'> }
  | { kind: 'rejected-field'; field: string }
  | { kind: 'failure'; error: AgentError }
  | { kind: 'no-devices' }
  | { kind: 'ignored'; text: string };

/** Pure parser for one stdout line of the monitor's reader. Never throws. */
export function parseMonitorLine(line: string): MonitorLine {
  const text = line.trim();
  if (text === '') return { kind: 'ignored', text };
  const field = rejectedField(text);
  if (field) return { kind: 'rejected-field', field };
  if (NO_DEVICES.test(text)) return { kind: 'no-devices' };
  const failure = nvidiaSmiFailure(text);
  if (failure) return { kind: 'failure', error: failure };

  const cells = csvCells(text);
  if (cells.length !== 10) return { kind: 'ignored', text };
  const [uuid = '', power = '', temp = '', utilGpu = '', utilMem = '', memUsed = '', memTotal = '', sm = '', mem = '', reasons = ''] =
    cells;
  if (!NVIDIA_UUID_PATTERN.test(uuid)) return { kind: 'ignored', text };
  const throttleReasons = isNoValue(reasons) ? null : decodeClockEventReasons(reasons);
  if (!isNoValue(reasons) && throttleReasons === null) return { kind: 'ignored', text };
  try {
    return {
      kind: 'sample',
      sample: {
        uuid,
        powerW: numberCell(power, 'power.draw'),
        temperatureC: numberCell(temp, 'temperature.gpu'),
        utilizationGpuPct: numberCell(utilGpu, 'utilization.gpu'),
        utilizationMemoryPct: numberCell(utilMem, 'utilization.memory'),
        memoryUsedMiB: numberCell(memUsed, 'memory.used'),
        memoryTotalMiB: numberCell(memTotal, 'memory.total'),
        smClockMHz: numberCell(sm, 'clocks.sm'),
        memClockMHz: numberCell(mem, 'clocks.mem'),
        throttleReasons,
      },
    };
  } catch {
    return { kind: 'ignored', text };
  }
}

export type MonitorState =
  /** Not started, or stopped. */
  | 'stopped'
  /** Running `nvidia-smi -L` before starting the reader. */
  | 'probing'
  /** The reader is running. */
  | 'running'
  /** Waiting out the backoff before the next attempt. */
  | 'waiting'
  /** No nvidia-smi, no NVIDIA GPU, or a driver that cannot answer the query: idle for good. */
  | 'unavailable';

export interface MonitorStatus {
  state: MonitorState;
  reasonsField: ReasonsField;
  /** How many times the reader was (re)started. */
  starts: number;
  /** Why the monitor is unavailable or last restarted; null when healthy. */
  detail: string | null;
}

export interface GpuTelemetryMonitorDeps {
  commands: CommandRunner;
  intervalMs?: number;
  clock: Clock;
  logger: Logger;
  /** Defaults to `nvidia-smi` on PATH; pass the path GPU detection found (Windows). */
  nvidiaSmiPath?: string;
  /** History kept per GPU; default 10 minutes. */
  historyMs?: number;
  /** No sample for this long means the reader died; default max(5 × interval, 10 s). */
  stallMs?: number;
  /** Readings older than this are not "latest"; default max(10 × interval, 15 s). */
  staleAfterMs?: number;
}

export interface GpuTelemetryMonitor {
  start(): void;
  stop(): void;
  /** Fresh latest reading per GPU UUID. */
  latest(): Record<string, GpuTelemetry>;
  /** Fresh core temperature per GPU UUID (GPUs reporting `[N/A]` are left out). */
  temperatures(): Record<string, number>;
  /** The history of one GPU, oldest first (at most historyMs / intervalMs readings). */
  series(uuid: string): GpuTelemetry[];
  /** Called for every reading; returns an unsubscribe function. */
  onSample(listener: (sample: GpuTelemetry) => void): () => void;
  status(): MonitorStatus;
}

export function createGpuTelemetryMonitor(deps: GpuTelemetryMonitorDeps): GpuTelemetryMonitor {
  const { commands, clock, logger } = deps;
  const intervalMs = deps.intervalMs ?? DEFAULT_MONITOR_INTERVAL_MS;
  assertInterval(intervalMs);
  const path = deps.nvidiaSmiPath ?? 'nvidia-smi';
  const capacity = Math.max(1, Math.ceil((deps.historyMs ?? DEFAULT_MONITOR_HISTORY_MS) / intervalMs));
  const stallMs = deps.stallMs ?? Math.max(5 * intervalMs, 10_000);
  const staleAfterMs = deps.staleAfterMs ?? Math.max(10 * intervalMs, 15_000);

  const histories = new Map<string, Ring<GpuTelemetry>>();
  const listeners = new Set<(sample: GpuTelemetry) => void>();
  let state: MonitorState = 'stopped';
  let reasonsField: ReasonsField = CLOCK_EVENT_REASONS_FIELD;
  let starts = 0;
  let detail: string | null = null;
  /** Bumped on every stop/restart so late callbacks of an old child or probe are ignored. */
  let generation = 0;
  let child: { stop(): void } | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  let backoffStep = 0;

  const clearTimers = () => {
    if (retryTimer) clearTimeout(retryTimer);
    if (watchdog) clearTimeout(watchdog);
    retryTimer = null;
    watchdog = null;
  };

  const closeChild = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = null;
    const current = child;
    child = null;
    generation += 1;
    current?.stop();
  };

  const goUnavailable = (why: string, level: 'info' | 'warn') => {
    closeChild();
    clearTimers();
    state = 'unavailable';
    detail = why;
    logger[level](`GPU telemetry monitor idle: ${why}`);
  };

  const scheduleRetry = (why: string) => {
    closeChild();
    const delay = Math.min(MONITOR_BACKOFF_BASE_MS * 2 ** backoffStep, MONITOR_BACKOFF_MAX_MS);
    backoffStep += 1;
    state = 'waiting';
    detail = why;
    logger.warn(`GPU telemetry: ${why}; retrying in ${Math.round(delay / 1000)} s`);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void attempt();
    }, delay);
  };

  const armWatchdog = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      watchdog = null;
      scheduleRetry(`nvidia-smi sent no telemetry for ${Math.round(stallMs / 1000)} s (the reader exited or hung)`);
    }, stallMs);
  };

  const record = (sample: GpuTelemetry) => {
    let ring = histories.get(sample.uuid);
    if (!ring) {
      if (histories.size >= MAX_TRACKED_GPUS) return;
      ring = new Ring<GpuTelemetry>(capacity);
      histories.set(sample.uuid, ring);
    }
    ring.push(sample);
    for (const listener of [...listeners]) {
      try {
        listener(sample);
      } catch (error) {
        logger.error('GPU telemetry listener failed', { error: String(error) });
      }
    }
  };

  const openReader = () => {
    const mine = ++generation;
    state = 'running';
    starts += 1;
    let sawSample = false;
    let reportedFailure = false;
    child = commands.stream(path, monitorArgs(intervalMs, reasonsField), (line) => {
      if (mine !== generation) return;
      const parsed = parseMonitorLine(line);
      switch (parsed.kind) {
        case 'sample':
          if (!sawSample) {
            sawSample = true;
            backoffStep = 0;
            detail = null;
          }
          armWatchdog();
          record({ ...parsed.sample, at: clock.now().toISOString() });
          return;
        case 'rejected-field':
          if (parsed.field === CLOCK_EVENT_REASONS_FIELD && reasonsField === CLOCK_EVENT_REASONS_FIELD) {
            // Pre-R535 drivers only know the old "throttle reasons" name.
            logger.info(`nvidia-smi does not know ${CLOCK_EVENT_REASONS_FIELD}; using ${LEGACY_THROTTLE_REASONS_FIELD}`);
            reasonsField = LEGACY_THROTTLE_REASONS_FIELD;
            closeChild();
            openReader();
          } else {
            goUnavailable(`this NVIDIA driver does not know the nvidia-smi field "${parsed.field}"; update the driver`, 'warn');
          }
          return;
        case 'no-devices':
          goUnavailable('nvidia-smi reports no NVIDIA GPU', 'info');
          return;
        case 'failure':
          // One bad GPU must not take the others' telemetry down: log it and let the
          // watchdog restart the reader only if samples stop altogether.
          if (!reportedFailure) {
            reportedFailure = true;
            detail = describe(parsed.error);
            logger.warn(`GPU telemetry: ${detail}`);
          }
          return;
        case 'ignored':
          return;
      }
    });
    armWatchdog();
  };

  const attempt = async (): Promise<void> => {
    const mine = ++generation;
    state = 'probing';
    let result: CommandResult;
    try {
      result = await commands.run(path, MONITOR_PROBE_ARGS, { timeoutMs: MONITOR_PROBE_TIMEOUT_MS });
    } catch (error) {
      result = { kind: 'error', message: String(error) };
    }
    if (mine !== generation || state !== 'probing') return; // stopped meanwhile
    switch (result.kind) {
      case 'missing':
        goUnavailable(`nvidia-smi (${path}) is not installed; no NVIDIA driver`, 'info');
        return;
      case 'timeout':
        scheduleRetry(`nvidia-smi -L did not answer within ${MONITOR_PROBE_TIMEOUT_MS / 1000} s`);
        return;
      case 'error':
        scheduleRetry(`nvidia-smi could not be started: ${result.message}`);
        return;
      case 'exited': {
        const output = `${result.stdout}\n${result.stderr}`;
        if (NO_DEVICES.test(output) || (result.code === 0 && !/GPU \d+:/.test(output))) {
          goUnavailable('nvidia-smi reports no NVIDIA GPU', 'info');
          return;
        }
        if (result.code !== 0) {
          const known = nvidiaSmiFailure(output);
          scheduleRetry(known ? describe(known) : `nvidia-smi -L exited with code ${result.code}`);
          return;
        }
        openReader();
      }
    }
  };

  const fresh = (sample: GpuTelemetry, now: number) => now - Date.parse(sample.at) <= staleAfterMs;

  return {
    start() {
      if (state !== 'stopped') return;
      backoffStep = 0;
      detail = null;
      void attempt();
    },
    stop() {
      closeChild();
      clearTimers();
      state = 'stopped';
    },
    latest() {
      const now = clock.now().getTime();
      const out: Record<string, GpuTelemetry> = {};
      for (const [uuid, ring] of histories) {
        const last = ring.last();
        if (last && fresh(last, now)) out[uuid] = last;
      }
      return out;
    },
    temperatures() {
      const now = clock.now().getTime();
      const out: Record<string, number> = {};
      for (const [uuid, ring] of histories) {
        const last = ring.last();
        if (last && last.temperatureC !== null && fresh(last, now)) out[uuid] = last.temperatureC;
      }
      return out;
    },
    series(uuid) {
      return histories.get(uuid)?.toArray() ?? [];
    },
    onSample(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    status() {
      return { state, reasonsField, starts, detail };
    },
  };
}

/** Fixed-capacity ring buffer; the oldest entry is overwritten. */
export class Ring<T> {
  private readonly items: T[] = [];
  private next = 0;
  constructor(readonly capacity: number) {}
  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }
  last(): T | undefined {
    return this.items.length === 0 ? undefined : this.items[(this.next - 1 + this.capacity) % this.capacity];
  }
  toArray(): T[] {
    return this.items.length < this.capacity
      ? [...this.items]
      : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}

function assertInterval(intervalMs: number): void {
  if (!Number.isInteger(intervalMs) || intervalMs < MIN_TELEMETRY_INTERVAL_MS) {
    throw new AgentError(
      'invalid_interval',
      `Telemetry interval must be a whole number of milliseconds, at least ${MIN_TELEMETRY_INTERVAL_MS}; got ${intervalMs}.`,
    );
  }
}

const describe = (error: AgentError): string => (error.hint ? `${error.message} ${error.hint}` : error.message);
