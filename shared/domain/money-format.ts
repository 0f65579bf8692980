/**
 * THE way an amount of money becomes text, everywhere (dashboard, earnings, wallet,
 * agent messages): "$0.0034", never "$0.00" for an amount that is not zero and never the
 * token's base units. Amounts are bigint micros (the stablecoin's 6 decimals).
 * Precision follows size: a dollar and more to the cent; below a dollar three significant
 * digits (at least 2 decimals, at most the 6 that exist): 0.25, 0.0198, 0.0034, 0.00011.
 * Rounding (half up) is for display only; the ledger keeps every micro.
 */
import { formatMicros, MICROS_PER_USD } from './price-floor';

export function formatUsdMicros(micros: bigint | string | null | undefined): string {
  if (micros === null || micros === undefined) return '—';
  let value: bigint;
  try {
    value = typeof micros === 'bigint' ? micros : BigInt(micros);
  } catch {
    return '—';
  }
  const abs = value < 0n ? -value : value;
  return `${value < 0n ? '-' : ''}$${usdText(abs)}`;
}

/** "0.0034 USD/h"-style text without the dollar sign, for sentences with a unit after it. */
export function usdText(abs: bigint): string {
  if (abs >= MICROS_PER_USD || abs === 0n) return formatMicros(abs, { minDecimals: 2, maxDecimals: 2 });
  const digits = abs.toString().length; // 1..6: 3400 → 4 digits → 0.0034 needs 4 decimals
  const decimals = Math.min(6, Math.max(2, 9 - digits));
  return formatMicros(abs, { minDecimals: 2, maxDecimals: decimals });
}
