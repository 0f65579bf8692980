import { describe, expect, it } from 'vitest';
import type { BenchmarkResult } from '../../../shared/domain/benchmark';
import type { GpuDetection, GpuInfo } from '../../../shared/domain/gpu';
import { DEFAULT_SETTINGS, defaultControls } from '../../../shared/domain/settings';
import { deviceLabel, nameForUuid } from '../../../renderer/features/availability/availability-view';
import { limitsFormFrom, parseLimitsForm } from '../../../renderer/features/controls/limits-form';
import {
  gpuPowers,
  latestSuggestion,
  parsePriceForm,
  priceFormFrom,
} from '../../../renderer/features/controls/price-form';
import { addWatchName, parseGpuThreshold, parseIdleMinutes, presenceReadings } from '../../../renderer/features/controls/presence-view';
import { timeZoneOptions } from '../../../renderer/features/controls/time-zones';
import { previousGroups } from '../../../renderer/features/controls/use-controls-save';
import { hashFor, routeFromHash } from '../../../renderer/lib/use-hash-route';
import { result } from './fixtures';

const gpu = (overrides: Partial<GpuInfo> = {}): GpuInfo => ({
  index: 0,
  uuid: 'GPU-aaaa',
  name: 'NVIDIA GeForce RTX 4080 SUPER',
  driverVersion: '595.71.05',
  vramMiB: 16376,
  power: { min: 150, default: 320, max: 352, enforced: 320 },
  temperatureC: 40,
  pcie: { genCurrent: 4, genMax: 4, widthCurrent: 16, widthMax: 16 },
  computeCapability: '8.9',
  pciBusId: '00000000:01:00.0',
  ...overrides,
});

const detectionWith = (gpus: GpuInfo[]): GpuDetection => ({
  gpus,
  adapters: [],
  nvidiaSmi: { state: 'ok', path: '/usr/bin/nvidia-smi', driverVersion: '595.71.05' },
  detectedAt: '2025-01-01T00:00:00.000Z',
});

const gpuRun = (id: string, uuid: string | null, watts: (number | null)[], usd: number | null = null): BenchmarkResult => ({
  ...result(id),
  kind: 'gpu',
  device: { name: 'RTX', uuid, driverVersion: null },
  telemetry: watts.map((powerW, i) => ({ t: i * 1000, powerW })),
  suggestedPrice: usd === null ? null : { usdPerHour: usd, basis: 'test' },
});

describe('hash routes', () => {
  it('maps hashes to the two pages, anything unknown to the overview', () => {
    expect(routeFromHash('')).toBe('overview');
    expect(routeFromHash('#/')).toBe('overview');
    expect(routeFromHash('#/controls')).toBe('controls');
    expect(routeFromHash('#/Controls/')).toBe('controls');
    expect(routeFromHash('#controls')).toBe('controls');
    expect(routeFromHash('#/nowhere')).toBe('overview');
    expect(hashFor('controls')).toBe('#/controls');
  });
});

describe('price form', () => {
  const price = defaultControls('UTC').price;

  it('shows saved micros as USD text and reads them back unchanged', () => {
    const form = priceFormFrom({ ...price, floorMicrosPerHour: '250000' });
    expect(form).toMatchObject({ floor: '0.25', electricity: '0.18', overhead: '90', margin: '10' });
    expect(parsePriceForm(form)).toEqual({ ok: true, price: { ...price, floorMicrosPerHour: '250000' } });
  });

  it('refuses a negative floor, a comma and out-of-range numbers, field by field', () => {
    const parsed = parsePriceForm({ ...priceFormFrom(price), floor: '-1', electricity: '0,2', overhead: '5000', margin: 'x' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['electricity', 'floor', 'margin', 'overhead']);
    expect(parsed.errors.floor).toMatch(/negative/);
  });

  it('uses the latest GPU benchmark power average, else the default power limit as an estimate', () => {
    const a = gpu();
    const b = gpu({ index: 1, uuid: 'GPU-bbbb', power: { min: null, default: null, max: null, enforced: 200 } });
    const history = [gpuRun('new', 'GPU-aaaa', [300, null, 310]), gpuRun('old', 'GPU-aaaa', [100])];
    expect(gpuPowers(detectionWith([a, b]), history)).toEqual([
      { uuid: 'GPU-aaaa', name: a.name, powerW: 305, estimated: false },
      { uuid: 'GPU-bbbb', name: b.name, powerW: 200, estimated: true },
    ]);
    expect(gpuPowers(null, history)).toEqual([]);
  });

  it('offers the newest suggested price as floor text', () => {
    const history = [gpuRun('a', 'GPU-aaaa', [], null), gpuRun('b', 'GPU-aaaa', [], 0.31), gpuRun('c', 'GPU-aaaa', [], 0.5)];
    expect(latestSuggestion(history)?.usdPerHour).toBe(0.31);
  });
});

describe('limits form', () => {
  const controls = defaultControls('UTC');
  const card = gpu();

  it('starts from the saved entry or "leave as is", and keeps entries of cards not detected now', () => {
    const saved = { ...controls, gpus: { 'GPU-gone': { enabled: false, powerLimitW: 200 } } };
    const form = limitsFormFrom(saved, [card]);
    expect(form.gpus['GPU-aaaa']).toEqual({ enabled: true, leaveAsIs: true, powerText: '320' });
    const parsed = parseLimitsForm(
      { ...form, gpus: { 'GPU-aaaa': { enabled: false, leaveAsIs: false, powerText: '250' } } },
      [card],
      saved.gpus,
    );
    expect(parsed).toEqual({
      ok: true,
      temperatureLimitC: 83,
      gpus: { 'GPU-gone': { enabled: false, powerLimitW: 200 }, 'GPU-aaaa': { enabled: false, powerLimitW: 250 } },
    });
  });

  it('refuses a power limit outside the card range and a temperature outside 50–100', () => {
    const parsed = parseLimitsForm(
      { temperature: '120', gpus: { 'GPU-aaaa': { enabled: true, leaveAsIs: false, powerText: '400' } } },
      [card],
      {},
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.temperature).toMatch(/50 and 100/);
    expect(parsed.errors.gpus['GPU-aaaa']).toMatch(/150 and 352 W/);
  });
});

describe('presence', () => {
  it('words each detector from the shared model: what it saw, since when, through what, or why it is unavailable', () => {
    const at = '2025-01-01T00:00:00.000Z';
    const readings = presenceReadings(
      {
        idle: { available: false, reason: 'no X11 session' },
        runningWatched: ['Cyberpunk2077.exe'],
        fullscreen: { available: true, active: true, app: 'mpv' },
        gpuForeignProcesses: [
          { pid: 1, name: 'blender', gpuUuid: 'GPU-aaaa', usedMiB: 900, gpuPercent: 60 },
          { pid: 2, name: 'firefox', gpuUuid: 'GPU-aaaa', usedMiB: 200, gpuPercent: 2 },
        ],
        battery: { available: true, onBattery: true, percent: 54.4 },
        temperaturesC: {},
        detectors: {
          idle: { state: 'unavailable', reason: 'no X11 session', since: at, readAt: at },
          processes: { state: 'watching', saw: 'Cyberpunk2077.exe', via: '/proc', since: at, readAt: at },
          fullscreen: { state: 'watching', saw: 'mpv', via: 'xprop', since: at, readAt: at },
          gpuInUse: { state: 'watching', saw: 'blender (pid 1, 60 %)', via: 'NVML', since: at, readAt: at },
          battery: { state: 'watching', saw: 'on battery', since: at, readAt: at },
        },
        readAt: at,
      },
      5,
    );
    expect(readings.idle).toEqual({ text: 'unavailable: no X11 session', unavailable: true, since: at });
    expect(readings.processes).toEqual({ text: 'running now: Cyberpunk2077.exe', unavailable: false, via: '/proc', since: at });
    expect(readings.fullscreen.text).toBe('full-screen now: mpv');
    expect(readings.gpuInUse).toEqual({
      text: 'in use by blender (pid 1, 60 %) (firefox under 5 %)',
      unavailable: false,
      via: 'NVML',
      since: at,
    });
    expect(readings.battery.text).toBe('on battery (54 %)');
    expect(presenceReadings(null).idle.text).toBe('no reading yet');
  });

  it('a detector switched off reads "off"', () => {
    const at = '2025-01-01T00:00:00.000Z';
    const off = { state: 'off' as const, since: at };
    const readings = presenceReadings({
      idle: { available: false, reason: 'turned off in settings' },
      runningWatched: [],
      fullscreen: { available: false, reason: 'turned off in settings' },
      gpuForeignProcesses: [],
      battery: { available: false, reason: 'turned off in settings' },
      temperaturesC: {},
      detectors: { idle: off, processes: off, fullscreen: off, gpuInUse: off, battery: off },
      readAt: at,
    });
    expect(readings.gpuInUse).toEqual({ text: 'off', unavailable: false, since: at });
  });

  it('reads the GPU-use threshold as a whole percent from 1 to 100', () => {
    expect(parseGpuThreshold('5')).toEqual({ ok: true, percent: 5 });
    expect(parseGpuThreshold(' 100 ')).toEqual({ ok: true, percent: 100 });
    for (const bad of ['0', '101', '2.5', '', 'five', '-3']) expect(parseGpuThreshold(bad).ok).toBe(false);
  });

  it('adds watch-list names once (any case), trimmed, without folders', () => {
    expect(addWatchName(['blender'], '  eldenring.exe ')).toEqual({ ok: true, list: ['blender', 'eldenring.exe'] });
    expect(addWatchName(['blender'], 'Blender').ok).toBe(false);
    expect(addWatchName([], '   ').ok).toBe(false);
    expect(addWatchName([], 'C:\\Games\\x.exe').ok).toBe(false);
    expect(addWatchName([], 'x'.repeat(129)).ok).toBe(false);
  });

  it('reads idle minutes between 1 and 240', () => {
    expect(parseIdleMinutes('15')).toEqual({ ok: true, minutes: 15 });
    for (const bad of ['0', '241', '2.5', '', 'ten']) expect(parseIdleMinutes(bad).ok).toBe(false);
  });
});

describe('small helpers', () => {
  it('puts the zone in use first, without duplicates', () => {
    const zones = timeZoneOptions('Europe/Berlin');
    expect(zones[0]).toBe('Europe/Berlin');
    expect(new Set(zones).size).toBe(zones.length);
  });

  it('remembers the previous value of exactly the groups a save replaces', () => {
    const controls = DEFAULT_SETTINGS.controls;
    expect(previousGroups(controls, { temperatureLimitC: 70, gpus: {} })).toEqual({
      temperatureLimitC: controls.temperatureLimitC,
      gpus: controls.gpus,
    });
  });

  it('labels the CPU pseudo-device and unknown GPUs', () => {
    expect(deviceLabel({ gpuUuid: 'cpu', gpuName: 'CPU' }, null)).toBe('CPU only');
    const two = detectionWith([gpu(), gpu({ index: 1, uuid: 'GPU-bbbb' })]);
    expect(deviceLabel({ gpuUuid: 'GPU-bbbb', gpuName: 'x' }, two)).toBe('GPU 1 · NVIDIA GeForce RTX 4080 SUPER');
    expect(nameForUuid('GPU-0123456789abcdef', [], null)).toBe('GPU-01234567…');
  });
});
