/**
 * The pure parts of market prices (shared/domain/market-prices.ts): classes of a card, the
 * median (a price that was paid), statistics over 24 h and 7 d, hourly series.
 */
import { describe, expect, it } from 'vitest';
import { classesForCard, hardwareClassOf, hourlySeries, marketPricesOf, medianOf, statsOf } from '../../../shared/domain/market-prices';

describe('hardware classes', () => {
  it('reads a card\'s reported memory as its nominal size, within 512 MiB', () => {
    expect(classesForCard(24_564, true)).toEqual(['gpu-8', 'gpu-12', 'gpu-16', 'gpu-24']);
    expect(classesForCard(12_282, true)).toEqual(['gpu-8', 'gpu-12']);
    // A 10 GB RTX 3080 cannot run a job that asks for 12 GB.
    expect(classesForCard(10_240, true)).toEqual(['gpu-8']);
    expect(classesForCard(81_559, true)).toEqual(['gpu-8', 'gpu-12', 'gpu-16', 'gpu-24', 'gpu-48', 'gpu-more']);
    expect(classesForCard(6_144, true)).toEqual(['gpu-8']);
    expect(classesForCard(null, true)).toEqual(['gpu-8']);
    expect(classesForCard(null, false)).toEqual(['cpu']);
  });

  it('refuses resources that make no sense', () => {
    expect(hardwareClassOf({ gpus: -1, minVramMiB: 0 })).toBeNull();
    expect(hardwareClassOf({ gpus: 1, minVramMiB: Number.NaN })).toBeNull();
    expect(hardwareClassOf({ gpus: 1, minVramMiB: 49 * 1024 })).toBe('gpu-more');
  });
});

describe('price statistics', () => {
  it('takes the lower middle as the median of an even count: a price somebody was paid', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([5n])).toBe(5n);
    expect(medianOf([1n, 2n, 9n, 10n])).toBe(2n);
    const award = (microsPerHour: bigint, requester = '0xa') => ({ microsPerHour, requester });
    expect(statsOf([award(30n), award(10n, '0xb'), award(20n)])).toEqual({ count: 3, medianMicros: '20', minMicros: '10', maxMicros: '30', requesters: 2, topRequesterAwards: 2 });
    expect(statsOf([])).toEqual({ count: 0, medianMicros: null, minMicros: null, maxMicros: null, requesters: 0, topRequesterAwards: 0 });
  });

  it('buckets by the chain\'s hour, oldest first', () => {
    const r = '0xa';
    expect(hourlySeries([{ time: 7_300, microsPerHour: 3n, requester: r }, { time: 3_600, microsPerHour: 1n, requester: r }, { time: 7_199, microsPerHour: 2n, requester: r }])).toEqual([
      { hourStart: 3_600, count: 2, medianMicros: '1', minMicros: '1', maxMicros: '2' },
      { hourStart: 7_200, count: 1, medianMicros: '3', minMicros: '3', maxMicros: '3' },
    ]);
  });

  it('counts an award exactly 24 h or 7 d old in its window, and one a second older not', () => {
    const now = 1_000_000;
    const at = (time: number, microsPerHour: bigint) => ({ time, microsPerHour, requester: `0x${microsPerHour}`, hardwareClass: 'gpu-8' as const });
    const points = [at(now - 86_400, 1n), at(now - 86_401, 2n), at(now - 7 * 86_400, 3n), at(now - 7 * 86_400 - 1, 4n), { ...at(now, 5n), hardwareClass: 'gpu-24' as const }];
    const figures = marketPricesOf(points, { classes: ['gpu-8'], now, unclassified: 0 });
    expect(figures.day).toEqual({ count: 1, medianMicros: '1', minMicros: '1', maxMicros: '1', requesters: 1, topRequesterAwards: 1 });
    expect(figures.week).toEqual({ count: 3, medianMicros: '2', minMicros: '1', maxMicros: '3', requesters: 3, topRequesterAwards: 1 });
  });
});
