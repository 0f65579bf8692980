import type { PriceSettings } from './controls';

/**
 * The owner's price floor. Money is bigint "micros": the stablecoin's 6-decimal base unit,
 * 1 USD = 1_000_000 micros. No float ever holds an amount of money; watts, the PSU
 * efficiency and the margin are measurements or settings, turned into integers (milliwatts,
 * parts per million) once, before they meet money.
 */

export const MICROS_PER_USD = 1_000_000n;
/** Anything above this per hour is a typo, not a price. */
export const MAX_USD = 1_000_000n;
export const DEFAULT_PSU_EFFICIENCY = 0.9;

export type ParseResult = { ok: true; micros: bigint } | { ok: false; message: string };

/** Reads what the owner typed: "0.25", "$0.25", "1", ".5", "2." (spaces around are fine). */
export function parseUsdToMicros(text: string): ParseResult {
  const raw = (text ?? '').trim();
  if (raw === '') return { ok: false, message: 'Enter an amount in USD, e.g. 0.25.' };
  let s = raw.replace(/^\$\s*/, '').trim();
  if (s.startsWith('-')) return { ok: false, message: 'The amount cannot be negative.' };
  if (s.startsWith('+')) s = s.slice(1);
  if (s.includes(',')) return { ok: false, message: 'Use a dot for decimals and no thousands separators, e.g. 1250.50.' };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || s === '.' || s === '') return { ok: false, message: `"${raw}" is not an amount. Enter a number of USD, e.g. 0.25.` };
  const whole = m[1] ?? '';
  const frac = m[2] ?? '';
  if (frac.length > 6) {
    return { ok: false, message: 'Use at most 6 decimal places (the smallest unit is 0.000001 USD).' };
  }
  const micros = BigInt(whole === '' ? '0' : whole) * MICROS_PER_USD + BigInt(frac.padEnd(6, '0') || '0');
  if (micros > MAX_USD * MICROS_PER_USD) {
    return { ok: false, message: 'That is more than 1,000,000 USD. Check the amount.' };
  }
  return { ok: true, micros };
}

/**
 * "0.25", "0.000270" (with minDecimals: 6). Defaults: at least 2 and at most 6 decimals,
 * trailing zeros dropped between the two. Fewer than 6 decimals rounds half up (display only).
 */
export function formatMicros(micros: bigint, options: { minDecimals?: number; maxDecimals?: number } = {}): string {
  const maxDecimals = Math.max(0, Math.min(6, Math.trunc(options.maxDecimals ?? 6)));
  const minDecimals = Math.max(0, Math.min(maxDecimals, Math.trunc(options.minDecimals ?? 2)));
  const negative = micros < 0n;
  let abs = negative ? -micros : micros;
  const drop = 10n ** BigInt(6 - maxDecimals);
  abs = ((abs + drop / 2n) / drop) * drop;
  const whole = abs / MICROS_PER_USD;
  let frac = (abs % MICROS_PER_USD).toString().padStart(6, '0').slice(0, maxDecimals);
  while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
  const sign = negative && abs !== 0n ? '-' : '';
  return `${sign}${whole.toString()}${frac === '' ? '' : `.${frac}`}`;
}

/** Ceiling division of non-negative bigints. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Electricity cost of one rented hour, in micros, rounded UP (a floor must never sit below
 * the real cost).
 *
 * Formula (gpu-specs.md §5): wall W = (P_gpu + P_rest) / eta; cost per hour = W / 1000 × price per kWh.
 * Integer form: with P in milliwatts (mW = W × 1000) and eta in parts per million (etaPpm =
 * eta × 10^6),
 *   cost = (mW / 1000) / (etaPpm / 10^6) / 1000 × price = mW × price / etaPpm   (micros)
 * so one multiplication and one ceiling division of bigints. Watts and eta are measurements,
 * rounded to the nearest mW and ppm first (far below their own precision); nothing else rounds.
 * Example: (450 + 90) W, eta 0.9, 0.18 USD/kWh → 540_000 × 180_000 / 900_000 = 108_000 micros = 0.108 USD/h.
 */
export function breakEvenMicrosPerHour(input: {
  gpuPowerW: number;
  systemOverheadW: number;
  electricityMicrosPerKwh: bigint;
  psuEfficiency?: number;
}): bigint {
  const { gpuPowerW, systemOverheadW, electricityMicrosPerKwh } = input;
  const eta = input.psuEfficiency ?? DEFAULT_PSU_EFFICIENCY;
  if (!Number.isFinite(gpuPowerW) || gpuPowerW < 0) throw new RangeError('GPU power must be a non-negative number of watts.');
  if (!Number.isFinite(systemOverheadW) || systemOverheadW < 0) {
    throw new RangeError('System overhead must be a non-negative number of watts.');
  }
  if (!Number.isFinite(eta) || eta <= 0 || eta > 1) throw new RangeError('PSU efficiency must be in (0, 1].');
  if (electricityMicrosPerKwh < 0n) throw new RangeError('The electricity price cannot be negative.');
  const milliwatts = BigInt(Math.round((gpuPowerW + systemOverheadW) * 1000));
  const etaPpm = BigInt(Math.max(1, Math.round(eta * 1_000_000)));
  return ceilDiv(milliwatts * electricityMicrosPerKwh, etaPpm);
}

/** `micros × (1 + marginPercent / 100)`, rounded up; the margin is read to 1/10_000 of a percent. */
export function withMarginMicros(micros: bigint, marginPercent: number): bigint {
  if (!Number.isFinite(marginPercent) || marginPercent < 0) throw new RangeError('The margin must be a non-negative percentage.');
  const factorPpm = 1_000_000n + BigInt(Math.round(marginPercent * 10_000));
  return ceilDiv(micros * factorPpm, 1_000_000n);
}

export interface EffectiveFloor {
  floorMicrosPerHour: bigint;
  /** Electricity cost per rented hour, without margin; null when not used or the power is unknown. */
  breakEvenMicrosPerHour: bigint | null;
  basis: 'owner-floor' | 'break-even';
  text: string;
}

function usd(micros: bigint): string {
  return `${formatMicros(micros)} USD/h`;
}

function marginText(marginPercent: number): string {
  return `${Number(marginPercent.toFixed(4))} %`;
}

/**
 * The lowest price per GPU-hour the owner accepts: their own floor, raised to the
 * electricity break-even × (1 + margin) when "never below break-even" is on and the GPU's
 * power draw is known. Ties go to the owner's floor.
 */
export function effectiveFloor(price: PriceSettings, gpuPowerW: number | null): EffectiveFloor {
  const ownerFloor = BigInt(price.floorMicrosPerHour);
  if (!price.neverBelowBreakEven) {
    return { floorMicrosPerHour: ownerFloor, breakEvenMicrosPerHour: null, basis: 'owner-floor', text: `Floor ${usd(ownerFloor)} (your minimum)` };
  }
  if (gpuPowerW === null || !Number.isFinite(gpuPowerW) || gpuPowerW < 0) {
    return {
      floorMicrosPerHour: ownerFloor,
      breakEvenMicrosPerHour: null,
      basis: 'owner-floor',
      text: `Floor ${usd(ownerFloor)} (your minimum; the break-even is unknown until the GPU's power draw is measured)`,
    };
  }
  const breakEven = breakEvenMicrosPerHour({
    gpuPowerW,
    systemOverheadW: price.systemOverheadW,
    electricityMicrosPerKwh: BigInt(price.electricityMicrosPerKwh),
  });
  const withMargin = withMarginMicros(breakEven, price.marginPercent);
  if (withMargin > ownerFloor) {
    return {
      floorMicrosPerHour: withMargin,
      breakEvenMicrosPerHour: breakEven,
      basis: 'break-even',
      text: `Floor ${usd(withMargin)} (electricity break-even ${usd(breakEven)} + ${marginText(price.marginPercent)})`,
    };
  }
  return {
    floorMicrosPerHour: ownerFloor,
    breakEvenMicrosPerHour: breakEven,
    basis: 'owner-floor',
    text: `Floor ${usd(ownerFloor)} (your minimum; electricity break-even ${usd(breakEven)})`,
  };
}

export type AskCheck = { ok: true } | { ok: false; floorMicrosPerHour: bigint; message: string };

/**
 * THE check before any bid or listing: an ask at or above the effective floor is fine,
 * anything below it (by even one micro) is refused, with the reason in words.
 */
export function checkAsk(askMicrosPerHour: bigint, price: PriceSettings, gpuPowerW: number | null): AskCheck {
  const floor = effectiveFloor(price, gpuPowerW);
  if (askMicrosPerHour >= floor.floorMicrosPerHour) return { ok: true };
  const why = floor.basis === 'break-even' ? 'electricity break-even + margin' : 'your minimum';
  return {
    ok: false,
    floorMicrosPerHour: floor.floorMicrosPerHour,
    message: `The price ${formatMicros(askMicrosPerHour, { minDecimals: 2 })} USD/h is below your floor of ${usd(floor.floorMicrosPerHour)} (${why}).`,
  };
}

/**
 * What `seconds` of rental cost at `microsPerHour`: microsPerHour × seconds / 3600, rounded
 * DOWN: only whole micro-units can be paid, and a fraction of one is never charged to the renter.
 */
export function costMicrosForSeconds(microsPerHour: bigint, seconds: bigint): bigint {
  if (microsPerHour < 0n || seconds < 0n) throw new RangeError('Price and duration must not be negative.');
  return (microsPerHour * seconds) / 3600n;
}
