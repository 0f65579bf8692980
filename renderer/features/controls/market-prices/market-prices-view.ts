/**
 * What the Controls page's market prices show, as pure functions of getMarketPrices' answer:
 * the figures of a window (median and range, in USD per hour), the chart's rows, and the
 * words for "no data". Tested without React (test/unit/renderer/market-prices-view.test.ts).
 */
import type { ApiError } from '../../../../shared/api/result';
import { HARDWARE_CLASS_LABELS, type HardwareClass, type MarketPrices, type PriceStats } from '../../../../shared/domain/market-prices';
import { formatUsdMicros } from '../../../../shared/domain/money-format';

export type PriceWindow = 'day' | 'week';

export const WINDOWS: ReadonlyArray<{ id: PriceWindow; label: string; long: string }> = [
  { id: 'day', label: '24 h', long: 'the last 24 hours' },
  { id: 'week', label: '7 days', long: 'the last 7 days' },
];

/** Micros (decimal string) → USD, for chart geometry only; labels use formatUsdMicros. */
const usd = (micros: string) => Number(BigInt(micros)) / 1_000_000;

export interface WindowFigures {
  median: string;
  range: string;
  awards: string;
}

export function windowFigures(stats: PriceStats): WindowFigures | null {
  if (stats.count === 0 || stats.medianMicros === null) return null;
  return {
    median: `${formatUsdMicros(stats.medianMicros)}/h`,
    range: stats.minMicros === stats.maxMicros ? `all at ${formatUsdMicros(stats.minMicros)}/h` : `${formatUsdMicros(stats.minMicros)} – ${formatUsdMicros(stats.maxMicros)}/h`,
    awards: `${stats.count === 1 ? '1 award' : `${stats.count} awards`} from ${stats.requesters === 1 ? '1 requester' : `${stats.requesters} requesters`}`,
  };
}

/** One hour of the chart; median and range null for an hour without awards (the line breaks). */
export interface PriceChartRow {
  /** Start of the hour, ms. */
  at: number;
  median: number | null;
  /** [min, max] for the range band. */
  range: [number, number] | null;
  count: number;
}

export interface PriceChart {
  /** Every hour of the window, oldest first. */
  rows: PriceChartRow[];
  /** Hours with awards. */
  hoursWithAwards: number;
  /** The window's start and end, ms: the x axis spans all of it. */
  domain: [number, number];
  /** An axis label for an instant (ms), in local time. */
  tick(at: number): string;
}

/**
 * Every hour of the window on a time axis, in local time: an hour without awards is a gap in
 * the line and the band, never a straight line drawn across days nobody paid anything.
 */
export function priceChart(prices: MarketPrices, window: PriceWindow, timeZone?: string): PriceChart {
  const first = Math.floor((prices.asOf - (window === 'day' ? 86_400 : 7 * 86_400)) / 3600) * 3600 + 3600;
  const format: Intl.DateTimeFormatOptions = window === 'day' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: '2-digit' };
  const tick = (at: number) => new Date(at).toLocaleString(undefined, { ...format, timeZone });
  const byHour = new Map(prices.hourly.map((h) => [h.hourStart, h]));
  const rows: PriceChartRow[] = [];
  for (let hour = first; hour <= prices.asOf; hour += 3600) {
    const h = byHour.get(hour);
    rows.push(h ? { at: hour * 1000, median: usd(h.medianMicros), range: [usd(h.minMicros), usd(h.maxMicros)], count: h.count } : { at: hour * 1000, median: null, range: null, count: 0 });
  }
  return { rows, hoursWithAwards: rows.filter((r) => r.count > 0).length, domain: [first * 1000, prices.asOf * 1000], tick };
}

/** "GPU, up to 8 GB; GPU, 12 GB": the classes counted as jobs for this card. */
export function classesText(classes: readonly HardwareClass[]): string {
  return classes.map((c) => HARDWARE_CLASS_LABELS[c]).join('; ');
}

/**
 * Why nothing is shown: the agent's own words, or, when the call is not answered by this agent
 * (no v2 market feature), the same "no market data yet" the agent says for a v1 market.
 */
export function noDataText(prices: MarketPrices | null, error: ApiError | null): string | null {
  if (error) {
    return error.code === 'unavailable'
      ? 'No market data yet: prices are read from v2 market auctions, and this agent is not following a v2 market.'
      : `Market prices could not be read: ${error.message}`;
  }
  if (!prices) return 'Loading market prices…';
  return prices.status === 'ok' ? null : (prices.message ?? 'No market data yet.');
}

export function unclassifiedText(prices: MarketPrices): string | null {
  if (prices.unclassified === 0) return null;
  const jobs = prices.unclassified === 1 ? '1 awarded job' : `${prices.unclassified} awarded jobs`;
  return `${jobs} with an unreadable job document ${prices.unclassified === 1 ? 'is' : 'are'} left out (no hardware class).`;
}
