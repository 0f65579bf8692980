/**
 * What the dashboard says, from data the app already has (snapshot, market status, the
 * ledger's reports): the machine's state with its reason, the owner's calendar day and
 * month in money, and the last 24 h as a running total. Pure, so it is tested without a page.
 */
import type { GpuAvailability, PauseCode } from '../../../shared/domain/availability';
import type { EarningsBucket, EarningsReport } from '../../../shared/domain/earnings';
import { bucketFloor } from '../../../shared/domain/earnings-buckets';

export type DashboardState = 'renting' | 'available' | 'paused' | 'off';

export interface StateInput {
  bidding: boolean;
  /** The owner's pause (Controls, "Pause 1 h") is active now. */
  pausedByOwner: boolean;
  gpus: readonly GpuAvailability[];
  walletLocked: boolean;
  /** Why the market does not claim jobs now (first reason), if it says so. */
  blockedBecause: string | null;
}

export interface StateView {
  state: DashboardState;
  headline: string;
  /** The reason in the owner's words; null when the headline says it all. */
  why: string | null;
}

/** Short headlines per pause reason: the detail ("Cyberpunk2077.exe is running") goes in `why`. */
const PAUSE_HEADLINES: Record<PauseCode, string> = {
  manual: 'Paused by you',
  schedule: 'Outside your renting hours',
  'input-active': 'Paused while you use this PC',
  process: 'Paused by a game',
  fullscreen: 'Paused by a full-screen app',
  'gpu-busy': 'Paused: the GPU is in use',
  battery: 'Paused: on battery',
  temperature: 'Paused to cool down',
  disabled: 'Switched off',
  'not-ready': 'Paused until the checklist passes',
};

export function dashboardState(input: StateInput): StateView {
  const busy = input.gpus.find((d) => d.state === 'renting' || d.state === 'yielding');
  const renting = input.bidding && !input.pausedByOwner;
  const locked = input.walletLocked;
  if (busy) {
    return {
      state: 'renting',
      headline: locked ? 'Renting now — waiting for the wallet to be unlocked' : 'Renting now',
      why: busy.state === 'yielding' ? busy.headline : 'A job runs on this PC: you earn while it runs.',
    };
  }
  // The market's own reason ("Press Start renting…", "the wallet is locked") says more than ours.
  const blocked = input.blockedBecause ? `Not claiming jobs: ${input.blockedBecause}` : null;
  if (!renting) {
    return input.pausedByOwner
      ? { state: 'off', headline: 'Renting is paused by you', why: blocked ?? 'Resume from the banner above, or wait for the pause to end.' }
      : { state: 'off', headline: 'Renting is off', why: input.blockedBecause ? withoutLead(input.blockedBecause, 'Renting is off') : 'Nothing is claimed until you start renting (Market page).' };
  }
  if (input.gpus.some((d) => d.state === 'available')) {
    return {
      state: 'available',
      headline: locked ? 'Waiting for the wallet to be unlocked' : 'Ready: waiting for a job that fits',
      why: blocked ?? 'Bidding on open jobs at or above your price floor.',
    };
  }
  const first = input.gpus[0];
  const reason = first?.reasons[0];
  return {
    state: 'paused',
    headline: reason ? PAUSE_HEADLINES[reason.code] : (first?.headline ?? 'Paused'),
    why: reason ? unique(input.gpus.flatMap((g) => g.reasons.map((r) => r.message))).join('; ') : blocked,
  };
}

const unique = (values: string[]) => [...new Set(values)];

/** "Renting is off: nothing is claimed…" under the headline "Renting is off": never the same words twice. */
function withoutLead(message: string, headline: string): string {
  if (!message.toLowerCase().startsWith(headline.toLowerCase())) return message;
  const rest = message.slice(headline.length).replace(/^[\s:.,—-]+/, '');
  return rest ? rest.charAt(0).toUpperCase() + rest.slice(1) : message;
}

export interface MoneyView {
  netMicros: bigint;
  grossMicros: bigint;
  jobs: number;
}

const sum = (buckets: readonly EarningsBucket[]): MoneyView =>
  buckets.reduce<MoneyView>(
    (acc, b) => ({ netMicros: acc.netMicros + BigInt(b.netMicros), grossMicros: acc.grossMicros + BigInt(b.grossMicros), jobs: acc.jobs + b.jobs }),
    { netMicros: 0n, grossMicros: 0n, jobs: 0 },
  );

/** The owner's calendar day (the report's time zone) from the hourly buckets of the last 24 h. */
export function todayFromDay(report: EarningsReport, now: number): MoneyView {
  const midnight = bucketFloor(now, 'day', report.timeZone);
  return sum(report.buckets.filter((b) => Date.parse(b.start) >= midnight));
}

/** This calendar month: the last monthly bucket of the year report (it holds now). */
export function thisMonthFromYear(report: EarningsReport): MoneyView & { start: string | null } {
  const last = report.buckets.at(-1);
  return last ? { ...sum([last]), start: last.start } : { netMicros: 0n, grossMicros: 0n, jobs: 0, start: null };
}

export interface SparkPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Net earned up to the end of this hour since the start of the window, in USD (for the chart only). */
  cumulative: number;
  netMicros: string;
}

/** The last 24 h as a running total per hour: the line rises with every paid job. */
export function sparkPoints(report: EarningsReport): SparkPoint[] {
  let total = 0n;
  return report.buckets.map((b) => {
    total += BigInt(b.netMicros);
    return { t: Date.parse(b.start), cumulative: Number(total) / 1_000_000, netMicros: total.toString() };
  });
}
