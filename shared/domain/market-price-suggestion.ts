/**
 * THE suggested price (issue 12, item 3): what jobs for this card paid on the market when
 * enough of them were awarded, else the benchmark × reference table (gpu-reference.ts, with
 * the table's date), and never below the electricity break-even plus the owner's margin
 * (price-floor.ts, the same figure the agent's floor uses). Pure: the Controls page calls it
 * with the agent's market figures, the latest benchmark's suggestion and the price settings.
 */
import type { SuggestedPrice } from './benchmark';
import type { PriceSettings } from './controls';
import { MARKET_PRICES_AS_OF } from './gpu-reference';
import type { MarketPrices } from './market-prices';
import { effectiveFloor, formatMicros, parseUsdToMicros } from './price-floor';

/**
 * Awards in 7 days needed before the market's median is trusted over the reference table.
 * With 5, the median is the 3rd price: moving it takes 3 outliers (a requester posting
 * silly fixed prices, or two colluding bidders), not one; fewer awards say more about who
 * happened to post than about the market.
 */
export const MIN_MARKET_AWARDS = 5;
/**
 * Anyone can post jobs and claim them from a second address (a wash trade costs the fee), so
 * the market figure also needs awards from at least 3 requesters, none of whom posted half of
 * them or more: with fewer than half, one requester cannot pick the (lower-middle) median. A
 * set of addresses acting together is not seen; the break-even guard still holds.
 */
export const MIN_MARKET_REQUESTERS = 3;

export type SuggestionSource = 'market' | 'reference' | 'break-even';

export interface PriceSuggestion {
  micros: bigint;
  /** Where the figure came from: the market, the reference table, or the break-even alone. */
  source: SuggestionSource;
  /** Awards behind a market figure (7 days). */
  awards: number | null;
  /** The reference table's date (MARKET_PRICES_AS_OF) when the figure came from it. */
  tableDate: string | null;
  /** The market or reference figure, when it was below the break-even + margin and was raised. */
  raisedFrom: bigint | null;
  /** In words, for the owner. */
  text: string;
}

export interface SuggestionInput {
  market: MarketPrices | null;
  /** The latest benchmark's reference-table suggestion (benchmark × table), or null. */
  reference: SuggestedPrice | null;
  price: PriceSettings;
  /** Every device the price applies to, with its power draw under load (null: unknown). */
  devices: ReadonlyArray<{ powerW: number | null }>;
  minAwards?: number;
}

/** The electricity break-even + margin on the hungriest device (0 when no draw is known). */
export function breakEvenMinimum(price: PriceSettings, devices: ReadonlyArray<{ powerW: number | null }>): bigint {
  const guard: PriceSettings = { ...price, neverBelowBreakEven: true, floorMicrosPerHour: '0' };
  return devices.reduce((max, d) => {
    const floor = effectiveFloor(guard, d.powerW).floorMicrosPerHour;
    return floor > max ? floor : max;
  }, 0n);
}

function referenceMicros(reference: SuggestedPrice | null): bigint | null {
  if (!reference || !Number.isFinite(reference.usdPerHour) || reference.usdPerHour < 0) return null;
  const parsed = parseUsdToMicros(reference.usdPerHour.toFixed(6));
  return parsed.ok ? parsed.micros : null;
}

export function suggestMarketPrice(input: SuggestionInput): PriceSuggestion | null {
  const minimum = breakEvenMinimum(input.price, input.devices);
  const margin = `${Number(input.price.marginPercent.toFixed(4))} %`;
  const week = input.market?.status === 'ok' ? input.market.week : null;
  const many = week !== null && week.medianMicros !== null && week.count >= (input.minAwards ?? MIN_MARKET_AWARDS);
  const spread = week !== null && week.requesters >= MIN_MARKET_REQUESTERS && week.topRequesterAwards * 2 < week.count;
  const enough = many && spread;
  const distrust = many && !spread ? ` (the market's ${week.count} awards in 7 days come from too few requesters to trust)` : '';
  let figure: bigint | null;
  let source: SuggestionSource = 'break-even';
  let what = '';
  if (enough) {
    figure = BigInt(week.medianMicros!);
    source = 'market';
    what = `the median of ${week.count} awards in 7 days (${week.requesters} requesters) for jobs this card runs`;
  } else {
    figure = referenceMicros(input.reference);
    if (figure !== null) {
      source = 'reference';
      what = `your latest benchmark × the reference table of ${MARKET_PRICES_AS_OF}${distrust}`;
    }
  }
  const common = { awards: source === 'market' ? week!.count : null, tableDate: source === 'reference' ? MARKET_PRICES_AS_OF : null };
  if (figure === null) {
    if (minimum === 0n) return null;
    return { micros: minimum, source, ...common, raisedFrom: null, text: `your electricity break-even + ${margin} (no market data and no benchmark yet)` };
  }
  if (figure >= minimum) return { micros: figure, source, ...common, raisedFrom: null, text: what };
  return {
    micros: minimum,
    source,
    ...common,
    raisedFrom: figure,
    text: `your electricity break-even + ${margin}: ${what} ($${formatMicros(figure)}/h) is below what running the PC costs`,
  };
}
