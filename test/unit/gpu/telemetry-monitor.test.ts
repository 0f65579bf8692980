import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGpuTelemetryMonitor,
  monitorArgs,
  parseMonitorLine,
  Ring,
} from '../../../electron/agent/gpu/telemetry-monitor';
import { GpuTelemetrySchema, type GpuTelemetry } from '../../../shared/domain/telemetry';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';
import { recordingLogger } from '../../helpers/silent-logger';

const A = 'GPU-00000000-0000-0000-0000-00000000000a';
const B = 'GPU-00000000-0000-0000-0000-00000000000b';
const LIST = exited(`GPU 0: NVIDIA GeForce RTX 3090 (UUID: ${A})\nGPU 1: NVIDIA GeForce RTX 3090 (UUID: ${B})\n`);
const line = (uuid: string, temp: number | string = 43, power: number | string = '26.20', reasons = '0x0000000000000001') =>
  `${uuid}, ${power}, ${temp}, 3, 1, 1234, 24576, 210, 405, ${reasons}`;

const FIELDS =
  'uuid,power.draw,temperature.gpu,utilization.gpu,utilization.memory,memory.used,memory.total,clocks.sm,clocks.mem';

let commands: FakeCommandRunner;
let log: ReturnType<typeof recordingLogger>;
const clock = { now: () => new Date() };

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-23T10:00:00.000Z') });
  commands = new FakeCommandRunner();
  log = recordingLogger();
});
afterEach(() => {
  vi.useRealTimers();
});

const monitor = (options: { intervalMs?: number; historyMs?: number } = {}) =>
  createGpuTelemetryMonitor({ commands, clock, logger: log.logger, ...options });
const flush = () => vi.advanceTimersByTimeAsync(0);
const live = () => commands.streams.filter((s) => !s.stopped);

describe('monitorArgs / parseMonitorLine', () => {
  it('is one reader for all GPUs: no -i', () => {
    expect(monitorArgs(1000)).toEqual([
      `--query-gpu=${FIELDS},clocks_event_reasons.active`,
      '--format=csv,noheader,nounits',
      '-lms',
      '1000',
    ]);
    expect(monitorArgs(500, 'clocks_throttle_reasons.active')[0]).toBe(`--query-gpu=${FIELDS},clocks_throttle_reasons.active`);
    expect(() => monitorArgs(50)).toThrow(/at least 100/);
    expect(() => monitorArgs(250.5)).toThrow(/whole number/);
  });

  it('parses a line into a GpuTelemetry reading', () => {
    expect(parseMonitorLine(`${line(A, 43, '26.20', '0x0000000000000005')}\r`)).toEqual({
      kind: 'sample',
      sample: {
        uuid: A,
        powerW: 26.2,
        temperatureC: 43,
        utilizationGpuPct: 3,
        utilizationMemoryPct: 1,
        memoryUsedMiB: 1234,
        memoryTotalMiB: 24576,
        smClockMHz: 210,
        memClockMHz: 405,
        throttleReasons: ['gpu_idle', 'sw_power_cap'],
      },
    });
  });

  it('maps placeholders to null', () => {
    expect(parseMonitorLine(`${A}, [N/A], 51, [N/A], [N/A], 100, 4096, 1500, 5000, [Not Supported]`)).toMatchObject({
      kind: 'sample',
      sample: { powerW: null, temperatureC: 51, utilizationGpuPct: null, utilizationMemoryPct: null, throttleReasons: null },
    });
  });

  it('classifies errors and garbage', () => {
    expect(parseMonitorLine('Field "clocks_event_reasons.active" is not a valid field to query.')).toEqual({
      kind: 'rejected-field',
      field: 'clocks_event_reasons.active',
    });
    expect(parseMonitorLine('No devices were found')).toEqual({ kind: 'no-devices' });
    expect(parseMonitorLine("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")).toMatchObject({ kind: 'failure' });
    expect(parseMonitorLine('')).toMatchObject({ kind: 'ignored' });
    expect(parseMonitorLine(`${A}, 1, 2, 3`)).toMatchObject({ kind: 'ignored' });
    expect(parseMonitorLine(line('not-a-uuid'))).toMatchObject({ kind: 'ignored' });
    expect(parseMonitorLine(line(A, 'hot'))).toMatchObject({ kind: 'ignored' });
    expect(parseMonitorLine(line(A, 40, '20', 'Active'))).toMatchObject({ kind: 'ignored' });
  });
});

describe('createGpuTelemetryMonitor', () => {
  it('probes with nvidia-smi -L, then starts ONE reader for all GPUs', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    m.start(); // idempotent
    await flush();
    expect(commands.runs.map((r) => r.args)).toEqual([['-L']]);
    expect(commands.streams.map((s) => [s.command, ...s.args])).toEqual([['nvidia-smi', ...monitorArgs(1000)]]);
    expect(m.status()).toMatchObject({ state: 'running', starts: 1, reasonsField: 'clocks_event_reasons.active' });
  });

  it('keeps the latest reading per GPU, temperatures, series and notifies listeners', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    const seen: GpuTelemetry[] = [];
    const unsubscribe = m.onSample((s) => seen.push(s));
    m.start();
    await flush();
    const reader = commands.streams[0];
    reader?.emit(line(A, 43));
    reader?.emit(line(B, '[N/A]'));
    await vi.advanceTimersByTimeAsync(1000);
    reader?.emit(line(A, 61));
    reader?.emit(line(B, 70));
    expect(Object.keys(m.latest()).sort()).toEqual([A, B]);
    expect(m.latest()[A]).toMatchObject({ temperatureC: 61, at: '2026-11-23T10:00:01.000Z' });
    expect(m.temperatures()).toEqual({ [A]: 61, [B]: 70 });
    expect(m.series(A).map((s) => s.temperatureC)).toEqual([43, 61]);
    expect(m.series(B).map((s) => s.temperatureC)).toEqual([null, 70]);
    expect(m.series('GPU-unknown')).toEqual([]);
    expect(seen).toHaveLength(4);
    for (const sample of seen) expect(GpuTelemetrySchema.parse(sample)).toEqual(sample);
    unsubscribe();
    reader?.emit(line(A, 62));
    expect(seen).toHaveLength(4);
  });

  it('leaves N/A temperatures out of temperatures()', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    commands.streams[0]?.emit(line(A, '[N/A]'));
    expect(m.temperatures()).toEqual({});
    expect(m.latest()[A]?.temperatureC).toBeNull();
  });

  it('bounds the history per GPU (ring buffer, oldest first)', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor({ intervalMs: 1000, historyMs: 5000 });
    m.start();
    await flush();
    for (let t = 1; t <= 12; t += 1) commands.streams[0]?.emit(line(A, 40 + t));
    expect(m.series(A).map((s) => s.temperatureC)).toEqual([48, 49, 50, 51, 52]);
  });

  it('defaults to 10 minutes at 1 s', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    for (let t = 0; t < 650; t += 1) commands.streams[0]?.emit(line(A, t % 90));
    expect(m.series(A)).toHaveLength(600);
  });

  it('drops stale readings from latest()/temperatures() so a dead reader reads as unknown', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    commands.streams[0]?.emit(line(A, 75));
    await vi.advanceTimersByTimeAsync(9_000);
    expect(m.temperatures()).toEqual({ [A]: 75 });
    await vi.advanceTimersByTimeAsync(7_000);
    expect(m.temperatures()).toEqual({});
    expect(m.latest()).toEqual({});
    expect(m.series(A)).toHaveLength(1);
  });

  it('without nvidia-smi stays idle: no reader, no timers, no errors', async () => {
    const m = monitor();
    m.start();
    await flush();
    expect(m.status()).toMatchObject({ state: 'unavailable' });
    expect(commands.streams).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(commands.runs).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'error' || e.level === 'warn')).toEqual([]);
    expect(m.latest()).toEqual({});
    expect(m.temperatures()).toEqual({});
  });

  it('with no NVIDIA GPU stays idle too', async () => {
    commands.on('nvidia-smi', ['-L'], exited('No devices were found\n', 6));
    const m = monitor();
    m.start();
    await flush();
    expect(m.status().state).toBe('unavailable');
    expect(commands.streams).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('restarts a silent reader with bounded exponential backoff, reset by a good sample', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    expect(live()).toHaveLength(1);
    // Stall (10 s without a line) → stop, wait 1 s, restart.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(live()).toHaveLength(0);
    expect(m.status().state).toBe('waiting');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(commands.streams).toHaveLength(2);
    // Keeps dying: 2 s, 4 s, 8 s, ... capped at 60 s.
    const gaps: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      await vi.advanceTimersByTimeAsync(10_000);
      const before = commands.streams.length;
      let waited = 0;
      while (commands.streams.length === before) {
        await vi.advanceTimersByTimeAsync(1_000);
        waited += 1_000;
      }
      gaps.push(waited);
    }
    expect(gaps).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(live()).toHaveLength(1);
    // A good sample resets the backoff.
    live()[0]?.emit(line(A));
    await vi.advanceTimersByTimeAsync(10_000);
    const before = commands.streams.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(commands.streams).toHaveLength(before + 1);
    expect(m.status().starts).toBe(commands.streams.length);
  });

  it('does not restart while samples keep coming', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    for (let t = 0; t < 60; t += 1) {
      commands.streams[0]?.emit(line(A));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(commands.streams).toHaveLength(1);
  });

  it('one lost GPU does not take the others down (logged once)', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    for (let t = 0; t < 20; t += 1) {
      commands.streams[0]?.emit('Unable to determine the device handle for GPU0000:02:00.0: Unknown Error');
      commands.streams[0]?.emit(line(A));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(commands.streams).toHaveLength(1);
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('falls back to clocks_throttle_reasons on drivers older than R535, and keeps it across restarts', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    commands.streams[0]?.emit('Field "clocks_event_reasons.active" is not a valid field to query.');
    expect(commands.streams[0]?.stopped).toBe(true);
    expect(commands.streams[1]?.args).toEqual(monitorArgs(1000, 'clocks_throttle_reasons.active'));
    commands.streams[1]?.emit(line(A, 50, '100', '0x0000000000000004'));
    expect(m.latest()[A]?.throttleReasons).toEqual(['sw_power_cap']);
    await vi.advanceTimersByTimeAsync(11_000 + 1_000);
    expect(commands.streams[2]?.args).toEqual(monitorArgs(1000, 'clocks_throttle_reasons.active'));
    expect(m.status().reasonsField).toBe('clocks_throttle_reasons.active');
  });

  it('a driver that rejects another field goes idle instead of spinning', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    commands.streams[0]?.emit('Field "utilization.memory" is not a valid field to query.');
    expect(m.status()).toMatchObject({ state: 'unavailable' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('retries the probe with backoff when the driver is not answering', async () => {
    commands.on('nvidia-smi', ['-L'], exited('', 9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."), LIST);
    const m = monitor();
    m.start();
    await flush();
    expect(m.status()).toMatchObject({ state: 'waiting', detail: expect.stringContaining('cannot talk to the NVIDIA driver') });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(m.status().state).toBe('running');
  });

  it('stop() ends the reader and every timer; later lines are ignored; start() works again', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    await flush();
    const first = commands.streams[0];
    m.stop();
    expect(first?.stopped).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(m.status().state).toBe('stopped');
    m.start();
    await flush();
    expect(live()).toHaveLength(1);
    m.stop();
  });

  it('stop() during the probe does not start a reader', async () => {
    commands.on('nvidia-smi', ['-L'], LIST);
    const m = monitor();
    m.start();
    m.stop();
    await flush();
    expect(commands.streams).toEqual([]);
    expect(m.status().state).toBe('stopped');
  });

  it('rejects a bad interval up front', () => {
    expect(() => monitor({ intervalMs: 10 })).toThrow(/at least 100/);
  });
});

describe('Ring', () => {
  it('keeps the last N in order', () => {
    const ring = new Ring<number>(3);
    expect(ring.last()).toBeUndefined();
    expect(ring.toArray()).toEqual([]);
    for (const n of [1, 2]) ring.push(n);
    expect(ring.toArray()).toEqual([1, 2]);
    expect(ring.last()).toBe(2);
    for (const n of [3, 4, 5, 6, 7]) ring.push(n);
    expect(ring.toArray()).toEqual([5, 6, 7]);
    expect(ring.last()).toBe(7);
  });
});
