import type { EarningsBucket, EarningsBucketSize, EarningsRange, EarningsReport } from '../../../shared/domain/earnings';
import { formatWei } from '../../../shared/domain/earnings';

/** Micros (decimal string) → a number of USD, for chart geometry only; labels use formatUsdMicros. */
export const microsToUsd = (micros: string | null): number => (micros === null ? 0 : Number(BigInt(micros)) / 1_000_000);

/** "$1.23", "-$0.04", "$0.0034": the one money formatter (shared/domain/money-format.ts). */
export { formatUsdMicros } from '../../../shared/domain/money-format';

export const formatGas = (wei: string, symbol: string) => `${formatWei(BigInt(wei), 6)} ${symbol}`;

export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

export const RANGES: { id: EarningsRange; label: string }[] = [
  { id: 'day', label: 'Day' },
  { id: 'week', label: 'Week' },
  { id: 'month', label: 'Month' },
  { id: 'year', label: 'Year' },
];

/** A bucket's label on the axis: hours for a day, dates for weeks and months, months for a year. */
export function bucketLabel(startIso: string, size: EarningsBucketSize, timeZone: string): string {
  const date = new Date(startIso);
  const options: Intl.DateTimeFormatOptions =
    size === 'hour'
      ? { hour: '2-digit', minute: '2-digit' }
      : size === 'month'
        ? // "Dec 2026", never "Dec 26" (which reads as the 26th of December).
          { month: 'short', year: 'numeric' }
        : { month: 'short', day: 'numeric' };
  return date.toLocaleString(undefined, { ...options, timeZone });
}

export interface EarningsChartRow {
  label: string;
  net: number;
  electricity: number;
  gas: number;
  fee: number;
  stakeLost: number;
  gross: number;
  hoursRented: number;
  hoursAvailable: number;
  effectivePerHour: number | null;
  bucket: EarningsBucket;
}

/**
 * Gross split into what it became: net, electricity, gas (only when priced), the market fee and
 * any stake lost. A negative net (costs above gross) is drawn below zero.
 */
export function chartRows(report: EarningsReport): EarningsChartRow[] {
  return report.buckets.map((b) => ({
    label: bucketLabel(b.start, report.bucket, report.timeZone),
    net: microsToUsd(b.netMicros),
    electricity: microsToUsd(b.electricityMicros),
    gas: microsToUsd(b.gasMicros),
    fee: microsToUsd(b.feeMicros),
    stakeLost: microsToUsd(b.stakeLostMicros),
    gross: microsToUsd(b.grossMicros),
    hoursRented: b.hoursRented,
    hoursAvailable: b.hoursAvailable,
    effectivePerHour: b.effectiveMicrosPerGpuHour === null ? null : microsToUsd(b.effectiveMicrosPerGpuHour),
    bucket: b,
  }));
}

const BUCKET_DAYS: Record<EarningsBucketSize, number> = { hour: 1 / 24, day: 1, week: 7, month: 30 };

/** The projection drawn on the per-bucket chart: monthly net at this rate, scaled to one bucket. */
export function projectionPerBucket(report: EarningsReport): number | null {
  const monthly = report.projection.monthlyNetMicros;
  return monthly === null ? null : (microsToUsd(monthly) * BUCKET_DAYS[report.bucket]) / 30;
}

export const shortAddress = (address: string) => (address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address);

/**
 * A y-axis wide enough for its longest label, so none loses its first characters
 * ("$0.00285" drawn as ".00285" in a fixed 64 px). The ticks recharts picks are "nice"
 * numbers inside the data's range: at most as long as the longest value's label plus a
 * digit or two, which the margin covers. About 7.5 px per character at the axis' 12 px font.
 */
export function axisWidth(values: readonly number[], format: (value: number) => string): number {
  const longest = Math.max(0, ...values.filter(Number.isFinite).map((v) => format(v).length), format(0).length);
  return Math.min(160, Math.max(40, Math.ceil((longest + 2) * 7.5) + 12));
}
