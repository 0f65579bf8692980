import { describe, expect, it } from 'vitest';
import { formatLiveTelemetry } from '../../../renderer/lib/use-live-telemetry';

const base = {
  uuid: 'GPU-1',
  at: new Date(0).toISOString(),
  powerW: 231.4,
  temperatureC: 64,
  utilizationGpuPct: 97,
  utilizationMemoryPct: 40,
  memoryUsedMiB: 1000,
  memoryTotalMiB: 24564,
  smClockMHz: 1875,
  memClockMHz: 10501,
  throttleReasons: [] as string[],
};

describe('formatLiveTelemetry', () => {
  it('shows power, temperature, clock and load', () => {
    expect(formatLiveTelemetry(base)).toBe('231 W · 64 °C · SM 1875 MHz · 97 % busy');
  });
  it('names active throttle reasons and leaves out what the driver does not report', () => {
    expect(formatLiveTelemetry({ ...base, powerW: null, smClockMHz: null, throttleReasons: ['sw_power_cap'] })).toBe(
      '64 °C · 97 % busy · throttled: sw_power_cap',
    );
  });
  it('says so when nothing is reported', () => {
    expect(
      formatLiveTelemetry({ ...base, powerW: null, temperatureC: null, smClockMHz: null, utilizationGpuPct: null, throttleReasons: null }),
    ).toBe('no readings from the driver');
  });
});
