import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceSettings } from '../../../shared/domain/controls';
import {
  breakEvenMicrosPerHour,
  checkAsk,
  costMicrosForSeconds,
  effectiveFloor,
  formatMicros,
  parseUsdToMicros,
  withMarginMicros,
} from '../../../shared/domain/price-floor';
import { defaultControls } from '../../../shared/domain/settings';

const defaults: PriceSettings = defaultControls('UTC').price; // 0 floor, 0.18 USD/kWh, 90 W, break-even on, +10 %
const price = (patch: Partial<PriceSettings>): PriceSettings => ({ ...defaults, ...patch });

describe('parseUsdToMicros', () => {
  it('accepts the ways people type a price', () => {
    const ok = (text: string, micros: bigint) => expect(parseUsdToMicros(text)).toEqual({ ok: true, micros });
    ok('0.25', 250_000n);
    ok('$0.25', 250_000n);
    ok('  $ 0.25 ', 250_000n);
    ok('1', 1_000_000n);
    ok('.5', 500_000n);
    ok('2.', 2_000_000n);
    ok('0.000001', 1n);
    ok('0', 0n);
    ok('007.10', 7_100_000n);
    ok('1000000', 1_000_000_000_000n);
  });

  it('refuses what is not a price, with a clear message', () => {
    const refused = (text: string, message: RegExp) => {
      const r = parseUsdToMicros(text);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(message);
    };
    refused('', /Enter an amount/);
    refused('   ', /Enter an amount/);
    refused('-0.25', /negative/);
    refused('$-1', /negative/);
    refused('0.0000001', /at most 6 decimal places/);
    refused('1000000.000001', /more than 1,000,000 USD/);
    refused('99999999999999999999999', /more than 1,000,000 USD/);
    refused('abc', /not an amount/);
    refused('.', /not an amount/);
    refused('$', /not an amount|Enter an amount/);
    refused('1e3', /not an amount/);
    refused('0.2.5', /not an amount/);
    refused('0,25', /dot for decimals/);
    refused('1,000', /dot for decimals/);
  });
});

describe('formatMicros', () => {
  it('shows 2 to 6 decimals by default', () => {
    expect(formatMicros(250_000n)).toBe('0.25');
    expect(formatMicros(270n)).toBe('0.00027');
    expect(formatMicros(270n, { minDecimals: 6 })).toBe('0.000270');
    expect(formatMicros(1_000_000n)).toBe('1.00');
    expect(formatMicros(0n)).toBe('0.00');
    expect(formatMicros(118_800n)).toBe('0.1188');
    expect(formatMicros(1_000_000n, { minDecimals: 0 })).toBe('1');
    expect(formatMicros(-250_000n)).toBe('-0.25');
    expect(formatMicros(123_456_789_012n)).toBe('123456.789012');
  });
  it('rounds half up when fewer decimals are asked for', () => {
    expect(formatMicros(108_000n, { maxDecimals: 2 })).toBe('0.11');
    expect(formatMicros(5_000n, { maxDecimals: 2 })).toBe('0.01');
    expect(formatMicros(4_999n, { maxDecimals: 2 })).toBe('0.00');
    expect(formatMicros(999_999n, { maxDecimals: 0, minDecimals: 0 })).toBe('1');
  });
  it('round-trips with parseUsdToMicros (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1_000_000_000_000n }), fc.integer({ min: 0, max: 6 }), (m, minDecimals) => {
        const text = formatMicros(m, { minDecimals });
        expect(parseUsdToMicros(text)).toEqual({ ok: true, micros: m });
        expect(parseUsdToMicros(`$${text}`)).toEqual({ ok: true, micros: m });
      }),
      { numRuns: 500 },
    );
  });
  it('parses any decimal text with up to 6 decimals to the exact amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.stringMatching(/^\d{0,6}$/), (whole, frac) => {
        const r = parseUsdToMicros(frac === '' ? String(whole) : `${whole}.${frac}`);
        expect(r).toEqual({ ok: true, micros: BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0') || '0') });
      }),
      { numRuns: 300 },
    );
  });
});

describe('breakEvenMicrosPerHour', () => {
  const at18c = { systemOverheadW: 90, electricityMicrosPerKwh: 180_000n, psuEfficiency: 0.9 };
  it('matches the worked examples in gpu-specs.md §5', () => {
    // 4090: (450 + 90) W / 0.9 = 600 W → 0.6 kWh × 0.18 USD = 0.108 USD/h.
    expect(breakEvenMicrosPerHour({ gpuPowerW: 450, ...at18c })).toBe(108_000n);
    expect(breakEvenMicrosPerHour({ gpuPowerW: 350, ...at18c })).toBe(88_000n); // 3090: $0.088
    expect(breakEvenMicrosPerHour({ gpuPowerW: 575, ...at18c })).toBe(133_000n); // 5090: $0.133
    // 4090 at the EU average 0.2872 and the German 0.3835 per kWh: 0.172 and 0.23.
    expect(breakEvenMicrosPerHour({ gpuPowerW: 450, systemOverheadW: 90, electricityMicrosPerKwh: 287_200n })).toBe(172_320n);
    expect(breakEvenMicrosPerHour({ gpuPowerW: 450, systemOverheadW: 90, electricityMicrosPerKwh: 383_500n })).toBe(230_100n);
  });
  it('uses eta 0.9 by default, rounds up, and takes fractional watts', () => {
    expect(breakEvenMicrosPerHour({ gpuPowerW: 450, systemOverheadW: 90, electricityMicrosPerKwh: 180_000n })).toBe(108_000n);
    // 540 W / 0.88 × 0.18 = 110_454.54… micros → 110_455.
    expect(breakEvenMicrosPerHour({ gpuPowerW: 450, ...at18c, psuEfficiency: 0.88 })).toBe(110_455n);
    // 1 W at 1 micro per kWh costs 1/900 of a micro per hour: still 1.
    expect(breakEvenMicrosPerHour({ gpuPowerW: 1, systemOverheadW: 0, electricityMicrosPerKwh: 1n })).toBe(1n);
    expect(breakEvenMicrosPerHour({ gpuPowerW: 447.3, ...at18c })).toBe(107_460n);
    expect(breakEvenMicrosPerHour({ gpuPowerW: 450, systemOverheadW: 90, electricityMicrosPerKwh: 0n })).toBe(0n);
  });
  it('is never below the exact real cost, and less than one micro above it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.bigInt({ min: 0n, max: 2_000_000n }),
        fc.integer({ min: 500, max: 1_000 }),
        (gpu, rest, kwh, etaPermille) => {
          const got = breakEvenMicrosPerHour({ gpuPowerW: gpu, systemOverheadW: rest, electricityMicrosPerKwh: kwh, psuEfficiency: etaPermille / 1000 });
          // Exact cost as a fraction: (gpu + rest) × kwh × 1000 / (etaPermille × 1000) micros.
          const num = BigInt(gpu + rest) * kwh;
          const den = BigInt(etaPermille);
          expect(got * den >= num).toBe(true);
          expect((got - 1n) * den < num).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
  it('refuses nonsense input', () => {
    expect(() => breakEvenMicrosPerHour({ gpuPowerW: -1, systemOverheadW: 0, electricityMicrosPerKwh: 1n })).toThrow(RangeError);
    expect(() => breakEvenMicrosPerHour({ gpuPowerW: Number.NaN, systemOverheadW: 0, electricityMicrosPerKwh: 1n })).toThrow(RangeError);
    expect(() => breakEvenMicrosPerHour({ gpuPowerW: 1, systemOverheadW: 0, electricityMicrosPerKwh: 1n, psuEfficiency: 0 })).toThrow(RangeError);
    expect(() => breakEvenMicrosPerHour({ gpuPowerW: 1, systemOverheadW: 0, electricityMicrosPerKwh: -1n })).toThrow(RangeError);
  });
});

describe('effectiveFloor and checkAsk', () => {
  it('raises the floor to break-even + margin when that is higher', () => {
    const f = effectiveFloor(defaults, 450);
    expect(f).toEqual({
      floorMicrosPerHour: 118_800n, // 0.108 × 1.10
      breakEvenMicrosPerHour: 108_000n,
      basis: 'break-even',
      text: 'Floor 0.1188 USD/h (electricity break-even 0.108 USD/h + 10 %)',
    });
    expect(effectiveFloor(price({ marginPercent: 12.5 }), 450).floorMicrosPerHour).toBe(121_500n);
    expect(effectiveFloor(price({ marginPercent: 0 }), 450).floorMicrosPerHour).toBe(108_000n);
    expect(withMarginMicros(1n, 10)).toBe(2n); // 1.1 micros rounds up
  });
  it('keeps the owner’s floor when it is higher, equal, or break-even does not apply', () => {
    const high = effectiveFloor(price({ floorMicrosPerHour: '250000' }), 450);
    expect(high).toMatchObject({ floorMicrosPerHour: 250_000n, breakEvenMicrosPerHour: 108_000n, basis: 'owner-floor' });
    expect(high.text).toBe('Floor 0.25 USD/h (your minimum; electricity break-even 0.108 USD/h)');
    expect(effectiveFloor(price({ floorMicrosPerHour: '118800' }), 450).basis).toBe('owner-floor');
    const off = effectiveFloor(price({ neverBelowBreakEven: false, floorMicrosPerHour: '50000' }), 450);
    expect(off).toMatchObject({ floorMicrosPerHour: 50_000n, breakEvenMicrosPerHour: null, basis: 'owner-floor' });
    const unknown = effectiveFloor(price({ floorMicrosPerHour: '50000' }), null);
    expect(unknown).toMatchObject({ floorMicrosPerHour: 50_000n, breakEvenMicrosPerHour: null, basis: 'owner-floor' });
    expect(unknown.text).toMatch(/power draw is measured/);
    // Free electricity: break-even is 0 and the owner's floor stands.
    expect(effectiveFloor(price({ electricityMicrosPerKwh: '0' }), 450)).toMatchObject({ floorMicrosPerHour: 0n, breakEvenMicrosPerHour: 0n, basis: 'owner-floor' });
  });
  it('accepts an ask equal to the floor and refuses one micro below', () => {
    expect(checkAsk(118_800n, defaults, 450)).toEqual({ ok: true });
    expect(checkAsk(1_000_000n, defaults, 450)).toEqual({ ok: true });
    const r = checkAsk(118_799n, defaults, 450);
    expect(r).toMatchObject({ ok: false, floorMicrosPerHour: 118_800n });
    expect(!r.ok && r.message).toBe('The price 0.118799 USD/h is below your floor of 0.1188 USD/h (electricity break-even + margin).');
    const own = checkAsk(249_999n, price({ floorMicrosPerHour: '250000' }), 450);
    expect(!own.ok && own.message).toMatch(/below your floor of 0\.25 USD\/h \(your minimum\)/);
    expect(checkAsk(250_000n, price({ floorMicrosPerHour: '250000' }), null)).toEqual({ ok: true });
  });
  it('never lets an ask below break-even through when the setting is on (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2_000_000n }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.integer({ min: 0, max: 200 }),
        fc.bigInt({ min: 0n, max: 3_000_000n }),
        (floor, gpu, kwh, margin, ask) => {
          const p = price({ floorMicrosPerHour: floor.toString(), electricityMicrosPerKwh: kwh.toString(), marginPercent: margin });
          const f = effectiveFloor(p, gpu);
          expect(f.floorMicrosPerHour >= floor).toBe(true);
          expect(f.floorMicrosPerHour >= (f.breakEvenMicrosPerHour ?? 0n)).toBe(true);
          const r = checkAsk(ask, p, gpu);
          expect(r.ok).toBe(ask >= f.floorMicrosPerHour);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('costMicrosForSeconds', () => {
  it('charges whole micro-units only, rounding down', () => {
    expect(costMicrosForSeconds(118_800n, 3_600n)).toBe(118_800n);
    expect(costMicrosForSeconds(118_800n, 1n)).toBe(33n);
    expect(costMicrosForSeconds(100_000n, 1n)).toBe(27n); // 27.77…
    expect(costMicrosForSeconds(100_000n, 0n)).toBe(0n);
    expect(costMicrosForSeconds(1n, 3_599n)).toBe(0n);
    expect(() => costMicrosForSeconds(-1n, 1n)).toThrow(RangeError);
  });
  it('never charges more for pieces than for the whole (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000_000n }), fc.array(fc.bigInt({ min: 0n, max: 100_000n }), { maxLength: 10 }), (rate, parts) => {
        const total = parts.reduce((a, b) => a + b, 0n);
        const sum = parts.reduce((a, s) => a + costMicrosForSeconds(rate, s), 0n);
        const whole = costMicrosForSeconds(rate, total);
        expect(sum <= whole).toBe(true);
        expect(whole - sum <= BigInt(parts.length)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
