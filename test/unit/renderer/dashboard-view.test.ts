import { describe, expect, it } from 'vitest';
import type { GpuAvailability } from '../../../shared/domain/availability';
import type { EarningsBucket, EarningsReport } from '../../../shared/domain/earnings';
import { dashboardState, sparkPoints, thisMonthFromYear, todayFromDay } from '../../../renderer/features/dashboard/dashboard-view';

const gpu = (state: GpuAvailability['state'], reasons: GpuAvailability['reasons'] = []): GpuAvailability => ({
  gpuUuid: 'cpu',
  gpuName: 'CPU',
  state,
  reasons,
  headline: state === 'yielding' ? 'Stopping the job: you need your PC' : 'x',
  since: '2026-12-07T10:00:00.000Z',
});
const base = { bidding: true, pausedByOwner: false, walletLocked: false, blockedBecause: null };

function bucket(start: string, netMicros: string, jobs: number): EarningsBucket {
  return {
    start,
    end: start,
    grossMicros: netMicros,
    feeMicros: '0',
    electricityMicros: '0',
    stakeLostMicros: '0',
    gasWei: '0',
    gasMicros: null,
    netMicros,
    jobs,
    billedSeconds: 0,
    hoursRented: 0,
    hoursAvailable: 0,
    effectiveMicrosPerGpuHour: null,
  };
}
const report = (buckets: EarningsBucket[], timeZone = 'UTC') => ({ buckets, timeZone }) as unknown as EarningsReport;

describe('dashboard state', () => {
  it('says a game paused renting, and which one', () => {
    const view = dashboardState({ ...base, gpus: [gpu('paused', [{ code: 'process', message: 'Cyberpunk2077.exe is running' }])] });
    expect(view).toEqual({ state: 'paused', headline: 'Paused by a game', why: 'Cyberpunk2077.exe is running' });
  });
  it('names each reason once across devices', () => {
    const reason = { code: 'schedule' as const, message: 'outside your hours (resumes 23:00)' };
    const view = dashboardState({ ...base, gpus: [gpu('paused', [reason]), gpu('paused', [reason])] });
    expect(view.headline).toBe('Outside your renting hours');
    expect(view.why).toBe('outside your hours (resumes 23:00)');
  });
  it('renting wins over everything, and says when it waits for the wallet', () => {
    expect(dashboardState({ ...base, gpus: [gpu('renting')] }).state).toBe('renting');
    expect(dashboardState({ ...base, walletLocked: true, gpus: [gpu('renting')] }).headline).toMatch(/waiting for the wallet to be unlocked/);
    expect(dashboardState({ ...base, gpus: [gpu('yielding')] }).why).toBe('Stopping the job: you need your PC');
  });
  it('off when bidding is off or the owner paused; ready with the market\'s reason when it cannot claim', () => {
    expect(dashboardState({ ...base, bidding: false, gpus: [gpu('available')] }).headline).toBe('Renting is off');
    expect(dashboardState({ ...base, pausedByOwner: true, gpus: [gpu('available')] }).headline).toBe('Renting is paused by you');
    // A fresh install: the market says what to press.
    const fresh = dashboardState({ ...base, bidding: false, blockedBecause: 'Press Start renting when you are ready.', gpus: [gpu('available')] });
    expect(fresh.why).toBe('Press Start renting when you are ready.');
    // The market's reason repeats the headline: said once.
    const repeated = dashboardState({ ...base, bidding: false, blockedBecause: 'Renting is off: nothing is claimed until you press Start renting.', gpus: [gpu('available')] });
    expect(repeated).toMatchObject({ headline: 'Renting is off', why: 'Nothing is claimed until you press Start renting.' });
    const ready = dashboardState({ ...base, blockedBecause: 'the wallet holds no tUSD for the stake', gpus: [gpu('available')] });
    expect(ready).toMatchObject({ state: 'available', why: 'Not claiming jobs: the wallet holds no tUSD for the stake' });
  });
});

describe('dashboard money', () => {
  const day = report([
    bucket('2026-12-06T22:00:00.000Z', '500', 1),
    bucket('2026-12-06T23:00:00.000Z', '0', 0),
    bucket('2026-12-07T00:00:00.000Z', '300', 1),
    bucket('2026-12-07T09:00:00.000Z', '44', 1),
  ]);
  it('today is the owner\'s calendar day, not the last 24 h', () => {
    const today = todayFromDay(day, Date.parse('2026-12-07T09:30:00.000Z'));
    expect(today).toEqual({ netMicros: 344n, grossMicros: 344n, jobs: 2 });
    // In New York it is still Dec 6 until 05:00 UTC: all four hours are "today" there.
    expect(todayFromDay(report(day.buckets, 'America/New_York'), Date.parse('2026-12-07T04:30:00.000Z')).netMicros).toBe(844n);
  });
  it('this month is the year report\'s last bucket', () => {
    const year = report([bucket('2026-11-01T00:00:00.000Z', '9000', 3), bucket('2026-12-01T00:00:00.000Z', '844', 3)]);
    expect(thisMonthFromYear(year)).toMatchObject({ netMicros: 844n, jobs: 3, start: '2026-12-01T00:00:00.000Z' });
    expect(thisMonthFromYear(report([]))).toMatchObject({ netMicros: 0n, jobs: 0 });
  });
  it('the sparkline is a running total that never loses a micro', () => {
    const points = sparkPoints(day);
    expect(points.map((p) => p.netMicros)).toEqual(['500', '500', '800', '844']);
    expect(points.at(-1)!.cumulative).toBeCloseTo(0.000844);
  });
});
