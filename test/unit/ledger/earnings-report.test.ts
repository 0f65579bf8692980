import { describe, expect, it } from 'vitest';
import { effectiveMicrosPerHour, gasWeiToMicros, projectMonthlyNet, type LedgerJob } from '../../../shared/domain/earnings';
import { bucketFloor, rangeBuckets } from '../../../shared/domain/earnings-buckets';
import { buildEarningsReport } from '../../../electron/agent/ledger/earnings-report';

const NOW = new Date('2026-03-15T12:30:00Z');

function job(closedAt: string | null, gross: string, fee: string, electricity: string | null, gasWei = '0', billedSeconds = 3600): LedgerJob {
  return {
    chainJobId: String(Math.random()), attempt: 1, state: closedAt ? 'settled' : 'submitted', requester: '0xr', askMicrosPerHour: gross,
    billedSeconds, grossMicros: gross, feeMicros: fee, stakeLostMicros: '0', gasWei, energyWh: null, electricityMicros: electricity,
    netMicros: '0', deviceId: null, runStartedAt: null, runEndedAt: null, claimedAt: '2026-03-01T00:00:00Z', closedAt, settledBy: null, txs: [],
  };
}

const base = {
  now: NOW, timeZone: 'UTC', withdrawals: [], hours: [], chain: null, walletAddress: '0xme', notice: null, reconciledAt: null,
  gasCoin: { symbol: 'ETH', microsPerCoin: null },
} as const;

describe('earnings math', () => {
  it('projects a month as the last 7 days net × 30 / 7, in whole micros', () => {
    expect(projectMonthlyNet(7_000_000n)).toBe(30_000_000n);
    expect(projectMonthlyNet(1n)).toBe(4n); // 30/7 = 4.28… rounded toward zero
    expect(projectMonthlyNet(-700n)).toBe(-3000n);
    expect(effectiveMicrosPerHour(1_000_000n, 1800)).toBe(2_000_000n);
    expect(effectiveMicrosPerHour(5n, 0)).toBeNull();
    expect(gasWeiToMicros(10n ** 15n, 3_000_000_000n)).toBe(3_000_000n); // 0.001 ETH at 3,000 USD = 3 USD
  });

  it('puts each paid job in the bucket of its payment and nets out fee and electricity', () => {
    const report = buildEarningsReport({
      ...base,
      range: 'week',
      bucket: 'day',
      jobs: [
        job('2026-03-15T08:00:00Z', '1000000', '10000', '90000', '5000000000000'),
        job('2026-03-15T09:00:00Z', '2000000', '20000', null),
        job('2026-03-10T23:59:59Z', '400000', '4000', '6000'),
        job('2026-01-01T00:00:00Z', '9999999', '0', '0'), // outside the range and the projection
        job(null, '777', '0', '0'), // pending: counts nowhere
      ],
      hours: [
        { t: Date.parse('2026-03-15T08:00:00Z'), availableSeconds: 3600, rentedSeconds: 1800 },
        { t: Date.parse('2026-03-14T08:00:00Z'), availableSeconds: 7200, rentedSeconds: 0 },
      ],
    });
    expect(report.buckets).toHaveLength(7);
    const today = report.buckets[6]!;
    expect(today.start).toBe('2026-03-15T00:00:00.000Z');
    expect(today).toMatchObject({ grossMicros: '3000000', feeMicros: '30000', electricityMicros: '90000', netMicros: '2880000', jobs: 2, hoursAvailable: 1, hoursRented: 0.5, gasWei: '5000000000000', gasMicros: null });
    expect(today.effectiveMicrosPerGpuHour).toBe('1440000'); // 2.88 USD over 2 billed hours
    expect(report.buckets[1]!).toMatchObject({ start: '2026-03-10T00:00:00.000Z', netMicros: '390000' });
    expect(report.totals).toMatchObject({ netMicros: '3270000', jobs: 3, hoursAvailable: 3 });
    expect(report.projection.monthlyNetMicros).toBe(((3_270_000n * 30n) / 7n).toString());
    expect(report.projection.basis).toMatch(/last 7 days \(3\.27 USD\) × 30 \/ 7.*Gas is not included/);
    expect(report.pendingJobs).toBe(1);
  });

  it('subtracts gas (jobs and withdrawals) only once a gas-coin price is set', () => {
    const jobs = [job('2026-03-15T08:00:00Z', '1000000', '0', '0', (10n ** 15n).toString())];
    const withdrawals = [{ txHash: '0x1', logIndex: 0, blockNumber: 1, at: '2026-03-15T09:00:00Z', amount: '1', gasWei: (10n ** 15n).toString() }];
    const priced = buildEarningsReport({ ...base, range: 'day', bucket: 'hour', jobs, withdrawals, gasCoin: { symbol: 'ETH', microsPerCoin: 100_000_000n } });
    // 0.002 ETH at 100 USD = 0.2 USD
    expect(priced.totals).toMatchObject({ gasWei: '2000000000000000', gasMicros: '200000', netMicros: '800000' });
    const unpriced = buildEarningsReport({ ...base, range: 'day', bucket: 'hour', jobs, withdrawals });
    expect(unpriced.totals).toMatchObject({ gasMicros: null, netMicros: '1000000' });
    expect(unpriced.projection.monthlyNetMicros).not.toBeNull();
  });

  it('projects nothing from less than 24 h of data, and says how much there is', () => {
    const fresh = { ...job('2026-03-15T12:20:00Z', '4166', '41', '0'), claimedAt: '2026-03-15T12:10:00Z' };
    const report = buildEarningsReport({ ...base, range: 'day', bucket: 'hour', jobs: [fresh] });
    expect(report.totals.netMicros).toBe('4125');
    expect(report.projection.monthlyNetMicros).toBeNull();
    expect(report.projection.basis).toBe('A monthly projection needs 24 h of data; there is 20 min so far.');
  });

  it('counts only submitted jobs as waiting for payment, not one still running', () => {
    const running = { ...job(null, '0', '0', null), state: 'claimed' as const };
    const submitted = job(null, '5', '0', '0');
    const report = buildEarningsReport({ ...base, range: 'day', bucket: 'hour', jobs: [running, submitted] });
    expect(report.pendingJobs).toBe(1);
  });

  it('has no projection before anything was paid', () => {
    const report = buildEarningsReport({ ...base, range: 'month', bucket: 'day', jobs: [job(null, '5', '0', '0')] });
    expect(report.projection.monthlyNetMicros).toBeNull();
    expect(report.buckets).toHaveLength(30);
  });

  it('cuts buckets on the owner’s calendar, DST included', () => {
    // Berlin switched to summer time on 2026-03-29: that day is 23 hours long.
    const tz = 'Europe/Berlin';
    const buckets = rangeBuckets('week', 'day', Date.parse('2026-03-30T10:00:00Z'), tz);
    const lengths = buckets.map((b) => (b.end - b.start) / 3_600_000);
    expect(lengths).toEqual([24, 24, 24, 24, 24, 23, 24]);
    expect(rangeBuckets('day', 'hour', Date.parse('2026-03-30T10:00:00Z'), tz)).toHaveLength(24);
    expect(new Date(bucketFloor(Date.parse('2026-03-18T10:00:00Z'), 'week', tz)).toISOString()).toBe('2026-03-15T23:00:00.000Z'); // Monday 00:00 CET
    const months = rangeBuckets('year', 'month', Date.parse('2026-03-15T00:00:00Z'), 'UTC');
    expect(months[0]!.start).toBe(Date.parse('2025-04-01T00:00:00Z'));
    expect(months).toHaveLength(12);
  });
});
