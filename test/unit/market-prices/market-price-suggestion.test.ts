/**
 * The suggested price (shared/domain/market-price-suggestion.ts): from the market with enough
 * awards, else the benchmark × reference table with its date, else the break-even; never below
 * the electricity break-even (a property over random markets, benchmarks and settings).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceSettings } from '../../../shared/domain/controls';
import { MARKET_PRICES_AS_OF } from '../../../shared/domain/gpu-reference';
import { breakEvenMinimum, MIN_MARKET_AWARDS, suggestMarketPrice } from '../../../shared/domain/market-price-suggestion';
import { marketPricesOf, type MarketPrices } from '../../../shared/domain/market-prices';
import { breakEvenMicrosPerHour } from '../../../shared/domain/price-floor';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';

const price: PriceSettings = DEFAULT_SETTINGS.controls.price; // 0.18 USD/kWh, 90 W rest of the PC, 10 % margin
const gpu = [{ powerW: 350 }]; // (350 + 90) W / 0.9 × 0.18 USD/kWh = 0.088 USD/h, + 10 % = 0.0968
const now = 2_000_000;
/** Awards in 7 days; by default each from its own requester. */
const market = (prices: bigint[], requesterOf: (i: number) => string = (i) => `0x${i}`): MarketPrices =>
  marketPricesOf(prices.map((p, i) => ({ time: now - i * 60, microsPerHour: p, requester: requesterOf(i), hardwareClass: 'gpu-24' as const })), { classes: ['gpu-24'], now, unclassified: 0 });
const reference = { usdPerHour: 0.31, basis: 'RTX 4090 market price 0.31 USD/h (table as of 2026-06)' };

describe('the suggested price', () => {
  it('is the market median with enough awards in 7 days, and says how many', () => {
    const s = suggestMarketPrice({ market: market([150_000n, 120_000n, 400_000n, 130_000n, 200_000n]), reference, price, devices: gpu });
    expect(s).toMatchObject({ micros: 150_000n, source: 'market', awards: 5, tableDate: null, raisedFrom: null });
    expect(s?.text).toBe('the median of 5 awards in 7 days (5 requesters) for jobs this card runs');
  });

  it('does not trust a market one requester can steer: fewer than 3 requesters, or one with half the awards or more', () => {
    const prices = [10_000_000n, 10_000_000n, 10_000_000n, 130_000n, 200_000n, 150_000n];
    // Requester 0x0 posted 3 of 6 awards at 10 USD/h (and claimed them itself, say): it would set the median.
    const steered = market(prices, (i) => (i < 3 ? '0x0' : `0x${i}`));
    expect(steered.week).toMatchObject({ count: 6, requesters: 4, topRequesterAwards: 3 });
    const s = suggestMarketPrice({ market: steered, reference, price, devices: gpu });
    expect(s).toMatchObject({ source: 'reference', micros: 310_000n });
    expect(s?.text).toBe(`your latest benchmark × the reference table of ${MARKET_PRICES_AS_OF} (the market's 6 awards in 7 days come from too few requesters to trust)`);
    const two = market([150_000n, 120_000n, 400_000n, 130_000n, 200_000n], (i) => `0x${i % 2}`);
    expect(suggestMarketPrice({ market: two, reference, price, devices: gpu })?.source).toBe('reference');
    // Two of five from one requester is fine: it cannot pick the median alone.
    const fair = market([150_000n, 120_000n, 400_000n, 130_000n, 200_000n], (i) => (i < 2 ? '0x0' : `0x${i}`));
    expect(suggestMarketPrice({ market: fair, reference, price, devices: gpu })).toMatchObject({ source: 'market', micros: 150_000n });
  });

  it('falls back to the benchmark × reference table, with the table\'s date, below the threshold or without a market', () => {
    const few = market([150_000n, 120_000n, 400_000n, 130_000n]);
    expect(MIN_MARKET_AWARDS).toBe(5);
    for (const m of [few, null]) {
      const s = suggestMarketPrice({ market: m, reference, price, devices: gpu });
      expect(s).toMatchObject({ micros: 310_000n, source: 'reference', awards: null, tableDate: MARKET_PRICES_AS_OF, raisedFrom: null });
      expect(s?.text).toBe(`your latest benchmark × the reference table of ${MARKET_PRICES_AS_OF}`);
    }
  });

  it('is raised to the electricity break-even + margin when the market or the table pays less than running the PC', () => {
    const cheap = suggestMarketPrice({ market: market([10_000n, 10_000n, 20_000n, 30_000n, 40_000n]), reference, price, devices: gpu });
    expect(cheap).toMatchObject({ micros: 96_800n, source: 'market', raisedFrom: 20_000n });
    expect(cheap?.text).toMatch(/^your electricity break-even \+ 10 %: the median of 5 awards .* \(\$0\.02\/h\) is below what running the PC costs$/);
    const cpuTable = suggestMarketPrice({ market: null, reference: { usdPerHour: 0.00011, basis: '' }, price, devices: [{ powerW: 0 }] });
    expect(cpuTable).toMatchObject({ micros: 19_800n, source: 'reference', raisedFrom: 110n });
  });

  it('reads the table\'s float figure to the micro, and a figure that is not a price as none', () => {
    expect(suggestMarketPrice({ market: null, reference: { usdPerHour: 0.1234567, basis: '' }, price, devices: gpu })).toMatchObject({ micros: 123_457n, source: 'reference' });
    for (const usdPerHour of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(suggestMarketPrice({ market: null, reference: { usdPerHour, basis: '' }, price, devices: gpu })).toMatchObject({ micros: 96_800n, source: 'break-even' });
    }
  });

  it('is the break-even alone without market data and benchmark, and nothing when not even that is known', () => {
    expect(suggestMarketPrice({ market: null, reference: null, price, devices: gpu })).toMatchObject({ micros: 96_800n, source: 'break-even', raisedFrom: null });
    expect(suggestMarketPrice({ market: null, reference: null, price, devices: [{ powerW: null }] })).toBeNull();
  });

  it('guards the hungriest device of several', () => {
    expect(breakEvenMinimum(price, [{ powerW: 100 }, { powerW: 450 }, { powerW: null }])).toBe(118_800n);
  });

  it('is never below the electricity break-even of any device, whatever the market, the table and the settings', () => {
    const settings = fc.record({
      electricity: fc.bigInt({ min: 0n, max: 2_000_000n }),
      overhead: fc.integer({ min: 0, max: 2000 }),
      margin: fc.integer({ min: 0, max: 100_000 }).map((m) => m / 100),
      floor: fc.bigInt({ min: 0n, max: 10_000_000n }),
      guard: fc.boolean(),
    });
    const awards = fc.array(fc.bigInt({ min: 0n, max: 5_000_000n }), { maxLength: 12 });
    const requesters = fc.integer({ min: 1, max: 6 });
    const bench = fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: null });
    const powers = fc.array(fc.option(fc.double({ min: 0, max: 1500, noNaN: true }), { nil: null }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(settings, awards, requesters, bench, powers, (s, prices, spread, usd, watts) => {
        const p: PriceSettings = { floorMicrosPerHour: s.floor.toString(), electricityMicrosPerKwh: s.electricity.toString(), systemOverheadW: s.overhead, neverBelowBreakEven: s.guard, marginPercent: s.margin };
        const devices = watts.map((powerW) => ({ powerW }));
        const suggestion = suggestMarketPrice({ market: prices.length ? market(prices, (i) => `0x${i % spread}`) : null, reference: usd === null ? null : { usdPerHour: usd, basis: '' }, price: p, devices });
        for (const d of devices) {
          if (d.powerW === null) continue;
          const breakEven = breakEvenMicrosPerHour({ gpuPowerW: d.powerW, systemOverheadW: s.overhead, electricityMicrosPerKwh: s.electricity });
          if (breakEven > 0n) expect(suggestion).not.toBeNull();
          if (suggestion) expect(suggestion.micros >= breakEven).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
