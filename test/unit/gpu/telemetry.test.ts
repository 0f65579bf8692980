import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOCK_EVENT_REASON_BITS, decodeClockEventReasons } from '../../../electron/agent/gpu/clock-event-reasons';
import { parseTelemetryLine, telemetryArgs } from '../../../electron/agent/gpu/telemetry-stream';
import { AgentError } from '../../../shared/api/result';

const lines = readFileSync(join(__dirname, '../../fixtures/nvidia-smi/telemetry__geforce-rtx-4080-super__595.71.05.txt'), 'utf8')
  .split('\n')
  .filter(Boolean);

describe('decodeClockEventReasons', () => {
  it('uses the NVML nvmlClocksEventReasons bit values', () => {
    expect(CLOCK_EVENT_REASON_BITS.map(({ bit, name }) => [name, Number(bit)])).toEqual([
      ['gpu_idle', 0x1],
      ['applications_clocks_setting', 0x2],
      ['sw_power_cap', 0x4],
      ['hw_slowdown', 0x8],
      ['sync_boost', 0x10],
      ['sw_thermal_slowdown', 0x20],
      ['hw_thermal_slowdown', 0x40],
      ['hw_power_brake_slowdown', 0x80],
      ['display_clock_setting', 0x100],
    ]);
  });

  it('decodes single and combined masks in nvidia-smi format', () => {
    expect(decodeClockEventReasons('0x0000000000000000')).toEqual([]);
    expect(decodeClockEventReasons('0x0000000000000001')).toEqual(['gpu_idle']);
    expect(decodeClockEventReasons('0x0000000000000004')).toEqual(['sw_power_cap']);
    expect(decodeClockEventReasons('0x0000000000000048')).toEqual(['hw_slowdown', 'hw_thermal_slowdown']);
    expect(decodeClockEventReasons('0x00000000000000A4')).toEqual(['sw_power_cap', 'sw_thermal_slowdown', 'hw_power_brake_slowdown']);
  });

  it('decodes the supported mask a real RTX 4080 SUPER reports (all nine reasons)', () => {
    expect(decodeClockEventReasons('0x00000000000001FF')).toHaveLength(9);
  });

  it('keeps bits NVML may add later visible instead of dropping them', () => {
    expect(decodeClockEventReasons('0x0000000000000204')).toEqual(['sw_power_cap', 'unknown_0x200']);
  });

  it('returns null for placeholders and garbage', () => {
    expect(decodeClockEventReasons('[N/A]')).toBeNull();
    expect(decodeClockEventReasons('Active')).toBeNull();
    expect(decodeClockEventReasons('0x')).toBeNull();
  });
});

describe('parseTelemetryLine', () => {
  it('parses the real idle and load samples', () => {
    expect(parseTelemetryLine(lines[0] ?? '')).toEqual({
      kind: 'sample',
      uuid: 'GPU-00000000-0000-0000-0000-000000000000',
      sample: { powerW: 26.2, temperatureC: 43, smClockMHz: 210, memClockMHz: 405, throttleReasons: ['gpu_idle'] },
    });
    expect(parseTelemetryLine(`${lines[1] ?? ''}\r`)).toMatchObject({
      kind: 'sample',
      sample: { powerW: 84.24, temperatureC: 46, smClockMHz: 2805, memClockMHz: 11251, throttleReasons: [] },
    });
  });

  it('keeps a sample with [N/A] power and no reasons', () => {
    expect(parseTelemetryLine('GPU-00000000-0000-0000-0000-000000000000, [N/A], 40, 300, 405, [N/A]')).toEqual({
      kind: 'sample',
      uuid: 'GPU-00000000-0000-0000-0000-000000000000',
      sample: { powerW: null, temperatureC: 40, smClockMHz: 300, memClockMHz: 405 },
    });
  });

  it('classifies blank lines, garbage, failures and rejected fields', () => {
    expect(parseTelemetryLine('   ').kind).toBe('ignored');
    expect(parseTelemetryLine('GPU-0, 1, 2').kind).toBe('ignored');
    expect(parseTelemetryLine('GPU-00000000-0000-0000-0000-000000000000, hot, 40, 300, 405, 0x0').kind).toBe('ignored');
    expect(parseTelemetryLine('GPU-00000000-0000-0000-0000-000000000000, 20, 40, 300, 405, Active').kind).toBe('ignored');
    expect(parseTelemetryLine('Failed to initialize NVML: Driver/library version mismatch').kind).toBe('failure');
    expect(parseTelemetryLine('Field "clocks_event_reasons.active" is not a valid field to query.')).toEqual({
      kind: 'rejected-field',
      field: 'clocks_event_reasons.active',
    });
  });
});

describe('telemetryArgs', () => {
  it('builds the single long-lived query', () => {
    expect(telemetryArgs('GPU-00000000-0000-0000-0000-000000000000', 500)).toEqual([
      '--query-gpu=uuid,power.draw,temperature.gpu,clocks.sm,clocks.mem,clocks_event_reasons.active',
      '--format=csv,noheader,nounits',
      '-lms',
      '500',
      '-i',
      'GPU-00000000-0000-0000-0000-000000000000',
    ]);
  });

  it('refuses a UUID that could become an option, and silly intervals', () => {
    expect(() => telemetryArgs('--help', 500)).toThrow(AgentError);
    expect(() => telemetryArgs('GPU-00000000-0000-0000-0000-000000000000', 10)).toThrow(/at least 100/);
    expect(() => telemetryArgs('GPU-00000000-0000-0000-0000-000000000000', 250.5)).toThrow(AgentError);
  });
});
