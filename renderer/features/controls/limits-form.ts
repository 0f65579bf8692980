import type { Controls, GpuControl } from '../../../shared/domain/controls';
import type { GpuInfo } from '../../../shared/domain/gpu';

export const TEMPERATURE_MIN_C = 50;
export const TEMPERATURE_MAX_C = 100;
/** A GPU without an entry is rented with its power left as it is. */
export const DEFAULT_GPU_CONTROL: GpuControl = { enabled: true, powerLimitW: null };

export interface GpuLimitForm {
  enabled: boolean;
  /** true: leave the card's power limit as it is (powerLimitW null). */
  leaveAsIs: boolean;
  powerText: string;
}

export interface LimitsForm {
  temperature: string;
  gpus: Record<string, GpuLimitForm>;
}

export type LimitsParse =
  | { ok: true; temperatureLimitC: number; gpus: Controls['gpus'] }
  | { ok: false; errors: { temperature?: string; gpus: Record<string, string> } };

/** Where the slider starts when the owner turns "leave as is" off. */
export function startingPower(gpu: GpuInfo): number | null {
  return gpu.power.enforced ?? gpu.power.default ?? gpu.power.max ?? gpu.power.min;
}

export function limitsFormFrom(controls: Pick<Controls, 'temperatureLimitC' | 'gpus'>, gpus: readonly GpuInfo[]): LimitsForm {
  const out: Record<string, GpuLimitForm> = {};
  for (const gpu of gpus) {
    const entry = controls.gpus[gpu.uuid] ?? DEFAULT_GPU_CONTROL;
    const power = entry.powerLimitW ?? startingPower(gpu);
    out[gpu.uuid] = {
      enabled: entry.enabled,
      leaveAsIs: entry.powerLimitW === null,
      powerText: power === null ? '' : String(Math.round(power)),
    };
  }
  return { temperature: String(controls.temperatureLimitC), gpus: out };
}

/** The card's allowed range in whole watts, where the driver reports it. */
export function powerRange(gpu: GpuInfo): { min: number | null; max: number | null } {
  return {
    min: gpu.power.min === null ? null : Math.ceil(gpu.power.min),
    max: gpu.power.max === null ? null : Math.floor(gpu.power.max),
  };
}

export function parseLimitsForm(form: LimitsForm, gpus: readonly GpuInfo[], saved: Controls['gpus']): LimitsParse {
  const errors: { temperature?: string; gpus: Record<string, string> } = { gpus: {} };
  const t = form.temperature.trim();
  const temperature = Number(t);
  if (!/^\d+$/.test(t) || temperature < TEMPERATURE_MIN_C || temperature > TEMPERATURE_MAX_C) {
    errors.temperature = `Enter a whole number of °C between ${TEMPERATURE_MIN_C} and ${TEMPERATURE_MAX_C}.`;
  }
  // Cards not detected right now keep what was saved for them: the group is replaced whole.
  const out: Controls['gpus'] = { ...saved };
  for (const gpu of gpus) {
    const entry = form.gpus[gpu.uuid];
    if (!entry) continue;
    if (entry.leaveAsIs) {
      out[gpu.uuid] = { enabled: entry.enabled, powerLimitW: null };
      continue;
    }
    const { min, max } = powerRange(gpu);
    const text = entry.powerText.trim();
    const watts = Number(text);
    const range = min !== null && max !== null ? ` between ${min} and ${max} W` : '';
    if (!/^\d+$/.test(text) || watts <= 0) {
      errors.gpus[gpu.uuid] = `Enter the power limit in whole watts${range}, or choose "leave as is".`;
    } else if ((min !== null && watts < min) || (max !== null && watts > max)) {
      errors.gpus[gpu.uuid] = `${gpu.name} accepts${range || ' other values'}; ${watts} W is outside that.`;
    } else {
      out[gpu.uuid] = { enabled: entry.enabled, powerLimitW: watts };
    }
  }
  if (errors.temperature || Object.keys(errors.gpus).length > 0) return { ok: false, errors };
  return { ok: true, temperatureLimitC: temperature, gpus: out };
}
