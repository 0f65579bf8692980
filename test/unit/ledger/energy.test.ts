import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { electricityMicros, integratePowerWh, wallEnergyWh } from '../../../shared/domain/earnings';
import { breakEvenMicrosPerHour } from '../../../shared/domain/price-floor';
import { runEnergy } from '../../../electron/agent/ledger/job-energy';
import { migrateLedgerDb } from '../../../electron/agent/ledger/ledger-db';
import { createTelemetryStore } from '../../../electron/agent/ledger/telemetry-store';

const T0 = Date.UTC(2026, 0, 1);

describe('energy of a run', () => {
  it('integrates power readings, each held until the next, over exactly the window', () => {
    const samples = [
      { t: T0 - 500, powerW: 100 }, // in force at the start
      { t: T0 + 1000, powerW: 200 },
      { t: T0 + 2000, powerW: null }, // not reported: the previous value holds
      { t: T0 + 3000, powerW: 400 },
      { t: T0 + 9000, powerW: 999 }, // after the end
    ];
    // 1 s × 100 W + 2 s × 200 W + 1 s × 400 W = 900 J = 0.25 Wh
    expect(integratePowerWh(samples, T0, T0 + 4000)).toBeCloseTo(0.25, 10);
    expect(integratePowerWh(samples, T0, T0)).toBe(0);
    expect(integratePowerWh([{ t: T0, powerW: null }], T0, T0 + 1000)).toBeNull();
    // One hour at a constant 360 W is 360 Wh, whatever the sampling.
    const steady = Array.from({ length: 3600 }, (_, i) => ({ t: T0 + i * 1000, powerW: 360 }));
    expect(integratePowerWh(steady, T0, T0 + 3_600_000)).toBeCloseTo(360, 9);
  });

  it('counts the system overhead and the PSU efficiency as the price floor does', () => {
    // (450 W + 90 W) for an hour at 90 % efficiency = 600 Wh at the wall.
    const wall = wallEnergyWh(450, 90, 3_600_000, 0.9);
    expect(wall).toBeCloseTo(600, 9);
    // Its cost equals the break-even per hour at the same price (0.18 USD/kWh → 0.108 USD).
    expect(electricityMicros(wall, 180_000n)).toBe(breakEvenMicrosPerHour({ gpuPowerW: 450, systemOverheadW: 90, electricityMicrosPerKwh: 180_000n }));
    expect(electricityMicros(0, 180_000n)).toBe(0n);
    expect(() => electricityMicros(-1, 1n)).toThrow(RangeError);
  });

  it('uses the GPU telemetry for GPU jobs and only the overhead for CPU jobs', () => {
    const db = new Database(':memory:');
    migrateLedgerDb(db);
    const telemetry = createTelemetryStore(db);
    telemetry.ingest(Array.from({ length: 1800 }, (_, i) => ({ device: 'GPU-x', t: T0 + i * 1000, powerW: 300, temperatureC: 70 })));
    const common = { telemetry, fromMs: T0, toMs: T0 + 1_800_000, systemOverheadW: 60, electricityMicrosPerKwh: 200_000n, psuEfficiency: 0.9 };
    const gpu = runEnergy({ ...common, deviceId: 'GPU-x' });
    // (300 + 60) W × 0.5 h / 0.9 = 200 Wh → 0.2 kWh × 0.20 USD = 40,000 micros
    expect(gpu.energyWh).toBeCloseTo(200, 3);
    expect(gpu.electricity).toBe('40000');
    const cpu = runEnergy({ ...common, deviceId: 'cpu' });
    expect(cpu.energyWh).toBeCloseTo(33.333, 3);
    expect(cpu.electricity).toBe('6667');
    // A GPU that never reported power: unknown, not free.
    expect(runEnergy({ ...common, deviceId: 'GPU-silent' })).toEqual({ energyWh: null, electricity: null });
  });
});
