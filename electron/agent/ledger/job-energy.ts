/**
 * Energy and electricity of one run, from this PC's telemetry: the GPU's power integrated over
 * the run window plus the owner's system overhead for the same time, at the wall (÷ PSU
 * efficiency, as the price floor's break-even counts it). CPU jobs: the overhead only.
 */
import { electricityMicros, integratePowerWh, wallEnergyWh } from '../../../shared/domain/earnings';
import { DEFAULT_PSU_EFFICIENCY } from '../../../shared/domain/price-floor';
import { CPU_DEVICE_ID } from '../availability/availability-engine';
import type { TelemetryStore } from './telemetry-store';

export interface RunEnergy {
  /** null when the GPU reported no power during the run (the cost is unknown, not zero). */
  energyWh: number | null;
  electricity: string | null;
}

export function runEnergy(input: {
  telemetry: Pick<TelemetryStore, 'powerSamples'>;
  deviceId: string;
  fromMs: number;
  toMs: number;
  systemOverheadW: number;
  electricityMicrosPerKwh: bigint;
  psuEfficiency?: number;
}): RunEnergy {
  const duration = Math.max(0, input.toMs - input.fromMs);
  const gpuWh =
    input.deviceId === CPU_DEVICE_ID ? 0 : integratePowerWh(input.telemetry.powerSamples(input.deviceId, input.fromMs, input.toMs), input.fromMs, input.toMs);
  if (gpuWh === null) return { energyWh: null, electricity: null };
  const wallWh = wallEnergyWh(gpuWh, input.systemOverheadW, duration, input.psuEfficiency ?? DEFAULT_PSU_EFFICIENCY);
  return { energyWh: Math.round(wallWh * 1000) / 1000, electricity: electricityMicros(wallWh, input.electricityMicrosPerKwh).toString() };
}
