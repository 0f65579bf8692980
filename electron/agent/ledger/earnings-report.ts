/**
 * Turns ledger rows into what the Earnings page shows. Pure. Each job counts in the bucket of
 * the moment its money moved (settled, released or refunded); pending claims count nowhere
 * yet. Gas is kept in wei; it is subtracted from net only when the owner set a price for the
 * gas coin (RigShift has no price feed and never guesses one).
 */
import {
  effectiveMicrosPerHour,
  type EarningsBucketSize,
  type EarningsFigures,
  type EarningsRange,
  type EarningsReport,
  gasWeiToMicros,
  type LedgerChain,
  type LedgerJob,
  PROJECTION_WINDOW_DAYS,
  projectMonthlyNet,
} from '../../../shared/domain/earnings';
import { findBucket, rangeBuckets } from '../../../shared/domain/earnings-buckets';
import { formatMicros } from '../../../shared/domain/price-floor';
import type { HourTotals } from './availability-hours';
import type { Annotation, StoredJob, StoredWithdrawal } from './ledger-store';

const DAY_MS = 86_400_000;

export function toLedgerJob(row: StoredJob, annotation: Annotation | null, gasMicrosPerCoin: bigint | null): LedgerJob {
  const electricity = annotation?.electricity ?? null;
  const gasMicros = gasMicrosPerCoin === null ? 0n : gasWeiToMicros(BigInt(row.gasWei), gasMicrosPerCoin);
  const net = BigInt(row.gross) - BigInt(row.fee) - BigInt(electricity ?? '0') - BigInt(row.stakeLost) - gasMicros;
  return {
    chainJobId: row.jobId,
    attempt: row.attempt,
    state: row.state,
    requester: row.requester,
    askMicrosPerHour: row.ask,
    billedSeconds: row.billedSeconds,
    grossMicros: row.gross,
    feeMicros: row.fee,
    stakeLostMicros: row.stakeLost,
    gasWei: row.gasWei,
    energyWh: annotation?.energyWh ?? null,
    electricityMicros: electricity,
    netMicros: net.toString(),
    deviceId: annotation?.deviceId ?? null,
    runStartedAt: annotation?.runStartedAt ?? null,
    runEndedAt: annotation?.runEndedAt ?? null,
    claimedAt: row.claimedAt,
    closedAt: row.closedAt,
    settledBy: row.settledBy,
    txs: row.txs,
  };
}

interface Accumulator {
  gross: bigint;
  fee: bigint;
  electricity: bigint;
  stakeLost: bigint;
  gasWei: bigint;
  jobs: number;
  billedSeconds: number;
  availableSeconds: number;
  rentedSeconds: number;
}

const empty = (): Accumulator => ({ gross: 0n, fee: 0n, electricity: 0n, stakeLost: 0n, gasWei: 0n, jobs: 0, billedSeconds: 0, availableSeconds: 0, rentedSeconds: 0 });

function addJob(a: Accumulator, job: LedgerJob) {
  a.gross += BigInt(job.grossMicros);
  a.fee += BigInt(job.feeMicros);
  a.electricity += BigInt(job.electricityMicros ?? '0');
  a.stakeLost += BigInt(job.stakeLostMicros);
  a.gasWei += BigInt(job.gasWei);
  // A lost v2 bid is a cost (its gas), not a job done.
  if (job.state !== 'outbid') a.jobs += 1;
  a.billedSeconds += job.billedSeconds ?? 0;
}

function netOf(a: Accumulator, gasMicrosPerCoin: bigint | null): bigint {
  const gas = gasMicrosPerCoin === null ? 0n : gasWeiToMicros(a.gasWei, gasMicrosPerCoin);
  return a.gross - a.fee - a.electricity - a.stakeLost - gas;
}

function figures(a: Accumulator, gasMicrosPerCoin: bigint | null): EarningsFigures {
  const net = netOf(a, gasMicrosPerCoin);
  return {
    grossMicros: a.gross.toString(),
    feeMicros: a.fee.toString(),
    electricityMicros: a.electricity.toString(),
    stakeLostMicros: a.stakeLost.toString(),
    gasWei: a.gasWei.toString(),
    gasMicros: gasMicrosPerCoin === null ? null : gasWeiToMicros(a.gasWei, gasMicrosPerCoin).toString(),
    netMicros: net.toString(),
    jobs: a.jobs,
    billedSeconds: a.billedSeconds,
    hoursRented: Math.round((a.rentedSeconds / 3600) * 100) / 100,
    hoursAvailable: Math.round((a.availableSeconds / 3600) * 100) / 100,
    effectiveMicrosPerGpuHour: effectiveMicrosPerHour(net, a.billedSeconds)?.toString() ?? null,
  };
}

export interface EarningsInput {
  range: EarningsRange;
  bucket: EarningsBucketSize;
  now: Date;
  timeZone: string;
  jobs: readonly LedgerJob[];
  withdrawals: readonly StoredWithdrawal[];
  hours: readonly HourTotals[];
  gasCoin: { symbol: string; microsPerCoin: bigint | null };
  chain: LedgerChain | null;
  walletAddress: string | null;
  notice: string | null;
  reconciledAt: string | null;
}

export function buildEarningsReport(input: EarningsInput): EarningsReport {
  const nowMs = input.now.getTime();
  const price = input.gasCoin.microsPerCoin;
  const spans = rangeBuckets(input.range, input.bucket, nowMs, input.timeZone);
  const accs = spans.map(empty);
  const totals = empty();
  const week = empty();
  const weekStart = nowMs - PROJECTION_WINDOW_DAYS * DAY_MS;
  for (const job of input.jobs) {
    if (job.closedAt === null) continue;
    const t = Date.parse(job.closedAt);
    const i = findBucket(spans, t);
    if (i >= 0) {
      addJob(accs[i]!, job);
      addJob(totals, job);
    }
    // Block times may run a little ahead of this PC's clock: a payment "from the future" still counts.
    if (t > weekStart) addJob(week, job);
  }
  for (const w of input.withdrawals) {
    const t = Date.parse(w.at);
    const i = findBucket(spans, t);
    if (i >= 0) {
      accs[i]!.gasWei += BigInt(w.gasWei);
      totals.gasWei += BigInt(w.gasWei);
    }
    if (t > weekStart) week.gasWei += BigInt(w.gasWei);
  }
  for (const h of input.hours) {
    // Hour rows start on UTC hours; a bucket gets the rows that start inside it.
    const i = findBucket(spans, h.t);
    if (i < 0) continue;
    for (const a of [accs[i]!, totals]) {
      a.availableSeconds += h.availableSeconds;
      a.rentedSeconds += h.rentedSeconds;
    }
  }
  const everPaid = input.jobs.some((j) => j.closedAt !== null);
  const weekNet = netOf(week, price);
  // A month projected from ten minutes of renting is noise: only after a day of data.
  let dataSince = Infinity;
  for (const j of input.jobs) dataSince = Math.min(dataSince, Date.parse(j.claimedAt) || Infinity);
  for (const h of input.hours) dataSince = Math.min(dataSince, h.t);
  const dataMs = Number.isFinite(dataSince) ? Math.max(0, nowMs - dataSince) : 0;
  const enoughData = dataMs >= PROJECTION_MIN_DATA_MS;
  const monthly = everPaid && enoughData ? projectMonthlyNet(weekNet) : null;
  const gasNote = price === null ? ' Gas is not included: set a price for the gas coin to include it.' : '';
  return {
    range: input.range,
    bucket: input.bucket,
    timeZone: input.timeZone,
    buckets: spans.map((span, i) => ({
      start: new Date(span.start).toISOString(),
      end: new Date(span.end).toISOString(),
      ...figures(accs[i]!, price),
    })),
    totals: figures(totals, price),
    projection: {
      monthlyNetMicros: monthly?.toString() ?? null,
      basis:
        monthly === null
          ? everPaid
            ? `A monthly projection needs ${PROJECTION_MIN_DATA_MS / 3_600_000} h of data; there is ${dataAgeText(dataMs)} so far.`
            : 'No job has been paid yet, so there is no rate to project.'
          : `Net of the last ${PROJECTION_WINDOW_DAYS} days (${formatMicros(weekNet)} USD) × 30 / ${PROJECTION_WINDOW_DAYS}.${gasNote}`,
    },
    chain: input.chain,
    walletAddress: input.walletAddress,
    gasCoin: { symbol: input.gasCoin.symbol, microsPerCoin: price?.toString() ?? null },
    // Waiting for payment: the result is submitted, the requester's accept or the challenge
    // window is all that is left. A job still running (claimed) is not waiting for money yet.
    pendingJobs: input.jobs.filter((j) => j.closedAt === null && j.state === 'submitted').length,
    notice: input.notice,
    reconciledAt: input.reconciledAt,
  };
}

/** How much data a monthly projection needs (issue 13: "≈ $/month" from 10 minutes of data). */
export const PROJECTION_MIN_DATA_MS = 24 * 3_600_000;

/** "3 h 20 min", "12 min", "40 s": how long the ledger has been collecting. */
function dataAgeText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  return m > 0 ? `${m} min` : `${s} s`;
}
