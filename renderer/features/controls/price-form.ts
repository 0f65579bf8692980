import type { BenchmarkResult, SuggestedPrice } from '../../../shared/domain/benchmark';
import type { PriceSettings } from '../../../shared/domain/controls';
import type { GpuDetection } from '../../../shared/domain/gpu';
import { breakEvenMicrosPerHour, effectiveFloor, formatMicros, parseUsdToMicros } from '../../../shared/domain/price-floor';

/** What the owner types; parsed only on save (money never goes through a float). */
export interface PriceForm {
  floor: string;
  electricity: string;
  overhead: string;
  neverBelowBreakEven: boolean;
  margin: string;
}

export type PriceField = 'floor' | 'electricity' | 'overhead' | 'margin';
export type PriceParse = { ok: true; price: PriceSettings } | { ok: false; errors: Partial<Record<PriceField, string>> };

export function priceFormFrom(price: PriceSettings): PriceForm {
  return {
    floor: formatMicros(BigInt(price.floorMicrosPerHour)),
    electricity: formatMicros(BigInt(price.electricityMicrosPerKwh)),
    overhead: String(price.systemOverheadW),
    neverBelowBreakEven: price.neverBelowBreakEven,
    margin: String(price.marginPercent),
  };
}

function parseNumber(text: string, min: number, max: number, what: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  const value = Number(t);
  if (t === '' || !/^\d+(\.\d+)?$/.test(t) || !Number.isFinite(value) || value < min || value > max) {
    return { ok: false, message: `Enter ${what} between ${min} and ${max}.` };
  }
  return { ok: true, value };
}

export function parsePriceForm(form: PriceForm): PriceParse {
  const errors: Partial<Record<PriceField, string>> = {};
  const floor = parseUsdToMicros(form.floor);
  if (!floor.ok) errors.floor = floor.message;
  const electricity = parseUsdToMicros(form.electricity);
  if (!electricity.ok) errors.electricity = electricity.message;
  const overhead = parseNumber(form.overhead, 0, 2000, 'a number of watts');
  if (!overhead.ok) errors.overhead = overhead.message;
  const margin = parseNumber(form.margin, 0, 1000, 'a percentage');
  if (!margin.ok) errors.margin = margin.message;
  if (!floor.ok || !electricity.ok || !overhead.ok || !margin.ok) return { ok: false, errors };
  return {
    ok: true,
    price: {
      floorMicrosPerHour: floor.micros.toString(),
      electricityMicrosPerKwh: electricity.micros.toString(),
      systemOverheadW: overhead.value,
      neverBelowBreakEven: form.neverBelowBreakEven,
      marginPercent: margin.value,
    },
  };
}

export interface GpuPower {
  uuid: string;
  name: string;
  /** Watts the card draws under load; null when neither measured nor reported. */
  powerW: number | null;
  /** true: the card's default power limit stands in for a measurement. */
  estimated: boolean;
  /** The CPU of a machine without an NVIDIA GPU (see pricedDevices). */
  cpu?: true;
}

/**
 * Per detected GPU: the average power of its latest completed GPU benchmark (telemetry
 * samples), else its default power limit as an estimate.
 */
export function gpuPowers(detection: GpuDetection | null, history: readonly BenchmarkResult[]): GpuPower[] {
  const gpus = detection?.gpus ?? [];
  return gpus.map((gpu) => {
    const run = history.find(
      (r) =>
        r.kind === 'gpu' &&
        r.status === 'completed' &&
        (r.device.uuid === gpu.uuid || (r.device.uuid === null && gpus.length === 1)) &&
        r.telemetry.some((s) => typeof s.powerW === 'number'),
    );
    if (run) {
      const watts = run.telemetry.map((s) => s.powerW).filter((w): w is number => typeof w === 'number');
      return { uuid: gpu.uuid, name: gpu.name, powerW: watts.reduce((a, b) => a + b, 0) / watts.length, estimated: false };
    }
    const fallback = gpu.power.default ?? gpu.power.enforced ?? gpu.power.max;
    return { uuid: gpu.uuid, name: gpu.name, powerW: fallback, estimated: true };
  });
}

/** The newest benchmark run that suggested a price. */
export function latestSuggestion(history: readonly BenchmarkResult[]): SuggestedPrice | null {
  return history.find((r) => r.status === 'completed' && r.suggestedPrice)?.suggestedPrice ?? null;
}

/**
 * The devices the price applies to, as the agent prices them: every detected GPU, or on a
 * machine without one the CPU, whose jobs draw no GPU power, so its break-even is the rest
 * of the PC's draw (electron/agent/market/market-devices.ts gives the CPU 0 W too). Without
 * this the panel said "break-even unknown" while the agent claimed at break-even + margin.
 */
export function pricedDevices(detection: GpuDetection | null, history: readonly BenchmarkResult[]): GpuPower[] {
  const gpus = gpuPowers(detection, history);
  return gpus.length > 0 ? gpus : [{ uuid: 'cpu', name: 'CPU', powerW: 0, estimated: false, cpu: true }];
}

export interface BelowBreakEven {
  device: GpuPower;
  floorMicrosPerHour: bigint;
  breakEvenMicrosPerHour: bigint;
}

/**
 * The first device on which this price would rent below the electricity cost (the owner
 * turned "never below break-even" off and set a lower floor), or null.
 */
export function belowBreakEven(price: PriceSettings, devices: readonly GpuPower[]): BelowBreakEven | null {
  for (const device of devices) {
    if (device.powerW === null) continue;
    const breakEven = breakEvenMicrosPerHour({
      gpuPowerW: device.powerW,
      systemOverheadW: price.systemOverheadW,
      electricityMicrosPerKwh: BigInt(price.electricityMicrosPerKwh),
    });
    const floor = effectiveFloor(price, device.powerW).floorMicrosPerHour;
    if (floor < breakEven) return { device, floorMicrosPerHour: floor, breakEvenMicrosPerHour: breakEven };
  }
  return null;
}
