import { describe, expect, it } from 'vitest';
import { TEMPERATURE_HYSTERESIS_C } from '../../../shared/domain/controls';
import { resumeBelowC, temperatureGate } from '../../../shared/domain/temperature-gate';

describe('temperatureGate', () => {
  it('uses the 5 °C hysteresis from the controls', () => {
    expect(TEMPERATURE_HYSTERESIS_C).toBe(5);
    expect(resumeBelowC(83)).toBe(78);
  });

  // limit 83 °C → pause at ≥ 83, resume only below 78.
  it.each([
    // pausedBefore, temperature, expected paused
    [false, 40, false],
    [false, 82, false],
    [false, 82.9, false],
    [false, 83, true],
    [false, 83.1, true],
    [false, 95, true],
    [true, 95, true],
    [true, 83, true],
    [true, 82, true],
    [true, 79, true],
    [true, 78.5, true],
    [true, 78, true],
    [true, 77.9, false],
    [true, 60, false],
    [false, 80, false],
    [false, null, false],
    [true, null, true],
    [false, Number.NaN, false],
    [true, Number.NaN, true],
  ] as const)('pausedBefore=%s at %s °C → paused=%s', (pausedBefore, temperatureC, paused) => {
    expect(temperatureGate({ pausedBefore, temperatureC, limitC: 83 }).paused).toBe(paused);
  });

  it('walks a heat-up / cool-down cycle without flapping', () => {
    const readings = [70, 80, 82, 83, 82, 81, 79, 78, 80, 77, 79, 82, 84];
    const states: boolean[] = [];
    let paused = false;
    for (const temperatureC of readings) {
      paused = temperatureGate({ pausedBefore: paused, temperatureC, limitC: 83 }).paused;
      states.push(paused);
    }
    expect(states).toEqual([false, false, false, true, true, true, true, true, true, false, false, false, true]);
  });

  it('explains pausing, staying paused and resuming; says nothing while renting normally', () => {
    expect(temperatureGate({ pausedBefore: false, temperatureC: 60, limitC: 83 })).toEqual({ paused: false });
    expect(temperatureGate({ pausedBefore: false, temperatureC: null, limitC: 83 })).toEqual({ paused: false });
    expect(temperatureGate({ pausedBefore: false, temperatureC: 85.4, limitC: 83 }).message).toBe(
      'Renting paused: the GPU is at 85 °C, at or above your 83 °C limit. It resumes once the GPU cools below 78 °C.',
    );
    expect(temperatureGate({ pausedBefore: true, temperatureC: 80, limitC: 83 }).message).toMatch(/stays paused.*80 °C.*below 78 °C/);
    expect(temperatureGate({ pausedBefore: true, temperatureC: null, limitC: 83 }).message).toMatch(/stays paused.*unknown/);
    expect(temperatureGate({ pausedBefore: true, temperatureC: 70, limitC: 83 }).message).toMatch(/cooled to 70 °C.*resumes/);
  });

  it('works at the ends of the allowed limit range', () => {
    expect(temperatureGate({ pausedBefore: false, temperatureC: 50, limitC: 50 }).paused).toBe(true);
    expect(temperatureGate({ pausedBefore: true, temperatureC: 44, limitC: 50 }).paused).toBe(false);
    expect(temperatureGate({ pausedBefore: false, temperatureC: 99, limitC: 100 }).paused).toBe(false);
    expect(temperatureGate({ pausedBefore: false, temperatureC: 100, limitC: 100 }).paused).toBe(true);
  });
});
