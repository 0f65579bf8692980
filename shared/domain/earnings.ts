import { z } from 'zod';

/**
 * The earnings ledger as the UI sees it. Every amount of money is a decimal string of an
 * integer: stablecoin micros (6 decimals, 1 USD = 1_000_000) or, for gas, wei of the chain's
 * gas coin. The agent computes with bigint end to end; nothing here is a float of money.
 *
 * Where the figures come from:
 * - gross, fee, billed seconds, stake lost, gas: the chain (events and receipts), re-read at
 *   every start; the ledger never disagrees with the chain after reconciliation;
 * - device, run window, energy, electricity: this PC (the marketplace client's notes and the
 *   GPU telemetry), kept apart so a rebuild from the chain never loses them.
 */

const IntegerString = z.string().regex(/^-?[0-9]{1,78}$/, 'an integer as a decimal string');

export const EarningsRangeSchema = z.enum(['day', 'week', 'month', 'year']);
export type EarningsRange = z.infer<typeof EarningsRangeSchema>;

export const EarningsBucketSizeSchema = z.enum(['hour', 'day', 'week', 'month']);
export type EarningsBucketSize = z.infer<typeof EarningsBucketSizeSchema>;

/**
 * claimed → submitted → settled; or claimed → released (preemptible); or refunded (no-show, stake slashed).
 * The v2 market adds: slashed (our slot's stake went to the requester), unpaid (the slot ended
 * without pay or punishment: no majority, or the round expired), outbid (a bid that won no
 * slot: only its gas).
 */
export const LedgerJobStateSchema = z.enum(['claimed', 'submitted', 'settled', 'released', 'refunded', 'slashed', 'unpaid', 'outbid']);
export type LedgerJobState = z.infer<typeof LedgerJobStateSchema>;

/** v1: claim … refund; v2 adds bid, award, commit, reveal and conclude (a slash or a free). */
export const LedgerTxKindSchema = z.enum(['claim', 'submit', 'release', 'accept', 'finalize', 'refund', 'bid', 'award', 'commit', 'reveal', 'conclude']);
export type LedgerTxKind = z.infer<typeof LedgerTxKindSchema>;

export const LedgerTxSchema = z.object({
  kind: LedgerTxKindSchema,
  hash: z.string(),
  blockNumber: z.number().int(),
  /** Block time (ISO). */
  at: z.string(),
  /** Sent from our address: its gas is ours. An `accept` is paid by the requester. */
  byUs: z.boolean(),
  /** gasUsed × effectiveGasPrice, only for our own transactions. */
  gasWei: IntegerString.nullable(),
});
export type LedgerTx = z.infer<typeof LedgerTxSchema>;

export const LedgerJobSchema = z.object({
  chainJobId: z.string(),
  /**
   * v1: the contract's claim counter (a reopened preemptible job can be claimed by us again).
   * v2: our slot's index; a bid that won no slot is −(its round number).
   */
  attempt: z.number().int(),
  state: LedgerJobStateSchema,
  requester: z.string(),
  askMicrosPerHour: IntegerString,
  /** Seconds paid for: billed at submit, served at release; null until then. */
  billedSeconds: z.number().int().nullable(),
  /** What the contract paid (fee included); on v2 plus a dispute's compensation credited to us. */
  grossMicros: IntegerString,
  feeMicros: IntegerString,
  /** Our stake slashed because the job was not delivered by its deadline. */
  stakeLostMicros: IntegerString,
  gasWei: IntegerString,
  /** null when this PC has no record of the run (annotations lost, or it ran elsewhere). */
  energyWh: z.number().nullable(),
  electricityMicros: IntegerString.nullable(),
  /** gross − fee − electricity − stake lost (− gas, only when a gas-coin price is set). */
  netMicros: IntegerString,
  deviceId: z.string().nullable(),
  runStartedAt: z.string().nullable(),
  runEndedAt: z.string().nullable(),
  claimedAt: z.string(),
  /** When the money moved (settled, released or refunded); null while pending. */
  closedAt: z.string().nullable(),
  settledBy: z.enum(['requester', 'timeout']).nullable(),
  txs: z.array(LedgerTxSchema),
});
export type LedgerJob = z.infer<typeof LedgerJobSchema>;

export const EarningsFiguresSchema = z.object({
  grossMicros: IntegerString,
  feeMicros: IntegerString,
  electricityMicros: IntegerString,
  stakeLostMicros: IntegerString,
  /** Gas of our job transactions and withdrawals, in wei of the gas coin. */
  gasWei: IntegerString,
  /** The gas in micros, only when the owner set a price for the gas coin. */
  gasMicros: IntegerString.nullable(),
  netMicros: IntegerString,
  jobs: z.number().int(),
  billedSeconds: z.number().int(),
  /** GPU-hours this PC spent renting (availability state "renting"). */
  hoursRented: z.number(),
  /** GPU-hours this PC offered: available or renting. */
  hoursAvailable: z.number(),
  /** net ÷ billed hours; null without billed time. */
  effectiveMicrosPerGpuHour: IntegerString.nullable(),
});
export type EarningsFigures = z.infer<typeof EarningsFiguresSchema>;

export const EarningsBucketSchema = EarningsFiguresSchema.extend({
  start: z.string(),
  end: z.string(),
});
export type EarningsBucket = z.infer<typeof EarningsBucketSchema>;

export const LedgerChainSchema = z.object({
  label: z.string(),
  isDevnet: z.boolean(),
  chainId: z.number().int(),
  marketAddress: z.string(),
  tokenSymbol: z.string(),
  /** Prefix a tx hash is appended to; null for chains without a known explorer (the devnet). */
  explorerTxUrl: z.string().nullable(),
  /** The market's version (v2 rows are slots, see LedgerJob.attempt); absent in views kept before v2. */
  marketVersion: z.number().int().optional(),
});
export type LedgerChain = z.infer<typeof LedgerChainSchema>;

export const EarningsReportSchema = z.object({
  range: EarningsRangeSchema,
  bucket: EarningsBucketSizeSchema,
  timeZone: z.string(),
  buckets: z.array(EarningsBucketSchema),
  totals: EarningsFiguresSchema,
  projection: z.object({
    /** Last 7 days' net × 30 / 7; null before anything was earned. */
    monthlyNetMicros: IntegerString.nullable(),
    basis: z.string(),
  }),
  /** null while the chain is not known yet (offline at first start). */
  chain: LedgerChainSchema.nullable(),
  walletAddress: z.string().nullable(),
  gasCoin: z.object({ symbol: z.string(), microsPerCoin: IntegerString.nullable() }),
  /** Jobs claimed or submitted but not paid yet. */
  pendingJobs: z.number().int(),
  /** Something the owner should know (the ledger was rebuilt from the chain...). */
  notice: z.string().nullable(),
  reconciledAt: z.string().nullable(),
});
export type EarningsReport = z.infer<typeof EarningsReportSchema>;

export const TelemetryResolutionSchema = z.enum(['raw', 'minute', '10-minute', 'hour']);
export type TelemetryResolution = z.infer<typeof TelemetryResolutionSchema>;

export const TelemetryPointSchema = z.object({
  /** Start of the interval (epoch ms). */
  t: z.number(),
  powerW: z.number().nullable(),
  powerMaxW: z.number().nullable(),
  temperatureC: z.number().nullable(),
  temperatureMaxC: z.number().nullable(),
});
export type TelemetryPoint = z.infer<typeof TelemetryPointSchema>;

export const TelemetrySeriesSchema = z.object({
  deviceId: z.string().nullable(),
  /** Every device with stored telemetry. */
  devices: z.array(z.string()),
  range: EarningsRangeSchema,
  resolution: TelemetryResolutionSchema,
  points: z.array(TelemetryPointSchema),
});
export type TelemetrySeries = z.infer<typeof TelemetrySeriesSchema>;

export const LedgerUpdatedSchema = z.object({
  jobs: z.number().int(),
  at: z.string(),
  notice: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------
// Pure math shared by the agent (reports, CSV) and the UI (labels).

const WEI_PER_COIN = 10n ** 18n;

/** Wei of the gas coin → micros, given the coin's price in micros; rounded half up. */
export function gasWeiToMicros(gasWei: bigint, microsPerCoin: bigint): bigint {
  return (gasWei * microsPerCoin + WEI_PER_COIN / 2n) / WEI_PER_COIN;
}

/** "0.000123" ETH from wei, at most `decimals` places (trailing zeros dropped). */
export function formatWei(wei: bigint, decimals = 6): string {
  const negative = wei < 0n;
  const abs = negative ? -wei : wei;
  const drop = 10n ** BigInt(18 - decimals);
  const rounded = (abs + drop / 2n) / drop;
  const whole = rounded / 10n ** BigInt(decimals);
  let frac = (rounded % 10n ** BigInt(decimals)).toString().padStart(decimals, '0');
  while (frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${negative && rounded !== 0n ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/**
 * Electricity of a run, in micros: kWh at the wall × price per kWh, rounded half up.
 * Wall energy = (GPU energy + system overhead × duration) / PSU efficiency, the same
 * formula the price floor's break-even uses (price-floor.ts), so the two agree.
 */
export function electricityMicros(wallWh: number, microsPerKwh: bigint): bigint {
  if (!Number.isFinite(wallWh) || wallWh < 0) throw new RangeError('Energy must be a non-negative number of Wh.');
  const milliWh = BigInt(Math.round(wallWh * 1000));
  return (milliWh * microsPerKwh + 500_000n) / 1_000_000n;
}

export interface PowerSample {
  /** Epoch ms. */
  t: number;
  powerW: number | null;
}

/**
 * GPU energy in Wh over [fromMs, toMs] from power samples sorted by time: each reading holds
 * until the next one (nvidia-smi reports the average over its own sample period); the first
 * reading also covers the start of the window. Readings without a power value are skipped.
 * Returns null when no reading has a power value (the driver does not report it).
 */
export function integratePowerWh(samples: readonly PowerSample[], fromMs: number, toMs: number): number | null {
  if (toMs <= fromMs) return 0;
  const known = samples.filter((s): s is { t: number; powerW: number } => s.powerW !== null && Number.isFinite(s.powerW));
  if (known.length === 0) return null;
  let joules = 0;
  // The last reading at or before the window start carries into it.
  let index = 0;
  while (index + 1 < known.length && known[index + 1]!.t <= fromMs) index += 1;
  for (let i = index; i < known.length; i += 1) {
    const sample = known[i]!;
    const start = i === index ? fromMs : Math.max(fromMs, sample.t);
    const next = known[i + 1];
    const end = Math.min(toMs, next ? next.t : toMs);
    if (end > start) joules += sample.powerW * ((end - start) / 1000);
    if (next && next.t >= toMs) break;
  }
  return joules / 3600;
}

/** Wall-side Wh of a run: (GPU Wh + overhead W × hours) / efficiency. CPU jobs pass gpuWh 0. */
export function wallEnergyWh(gpuWh: number, overheadW: number, durationMs: number, psuEfficiency: number): number {
  const overheadWh = (Math.max(0, overheadW) * Math.max(0, durationMs)) / 3_600_000;
  return (gpuWh + overheadWh) / psuEfficiency;
}

export const PROJECTION_WINDOW_DAYS = 7;
export const PROJECTION_MONTH_DAYS = 30;

/** "At this rate": the last 7 days' net × 30 / 7, rounded toward zero. */
export function projectMonthlyNet(lastWeekNetMicros: bigint): bigint {
  return (lastWeekNetMicros * BigInt(PROJECTION_MONTH_DAYS)) / BigInt(PROJECTION_WINDOW_DAYS);
}

/** net ÷ billed hours, in micros per GPU-hour (rounded toward zero); null without billed time. */
export function effectiveMicrosPerHour(netMicros: bigint, billedSeconds: number): bigint | null {
  if (billedSeconds <= 0) return null;
  return (netMicros * 3600n) / BigInt(billedSeconds);
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled.
 * A field that a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading
 * apostrophe inside the quotes (OWASP "CSV injection"); numbers stay numbers ("-1.5").
 */
export function csvField(value: string | number | bigint | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?[0-9]+(\.[0-9]+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number | bigint | boolean | null)[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

