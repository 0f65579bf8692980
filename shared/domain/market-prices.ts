/**
 * What jobs paid on the v2 market (issue 12, item 3): the hardware classes awards are kept
 * by, the statistics the agent answers for this machine's card, and their schemas. Pure.
 *
 * Why classes by VRAM: the chain says nothing about a job's card except what its document
 * asks for (resources.gpus and resources.minVramMiB). Owners and requesters think of cards by
 * their memory ("a 12 GB card", "a 24 GB card"), and the memory a job needs is what decides
 * which cards may run it, so an award is filed under the smallest common card size that
 * holds the job's minimum VRAM, and CPU-only jobs (gpus 0) under `cpu`.
 *
 * "Jobs for this card" are every class the card can run: a 24 GB card also runs the jobs that
 * ask for 8, 12 or 16 GB, and is offered (and paid) those prices too. A card counts as holding
 * a class when its detected memory is within 512 MiB of the class's size: drivers report a
 * little less than the nominal size (a 12 GB card shows 12 282 MiB, a 24 GB one 24 564 MiB).
 * A machine without an NVIDIA GPU runs CPU jobs only; a GPU machine is priced by GPU jobs (a
 * CPU hour and a GPU hour are different goods).
 */
import { z } from 'zod';

export const HardwareClassSchema = z.enum(['cpu', 'gpu-8', 'gpu-12', 'gpu-16', 'gpu-24', 'gpu-48', 'gpu-more']);
export type HardwareClass = z.infer<typeof HardwareClassSchema>;

/** GPU classes, smallest first, with the memory (GiB) a card of that class has. */
export const GPU_CLASSES: ReadonlyArray<{ id: HardwareClass; gib: number }> = [
  { id: 'gpu-8', gib: 8 },
  { id: 'gpu-12', gib: 12 },
  { id: 'gpu-16', gib: 16 },
  { id: 'gpu-24', gib: 24 },
  { id: 'gpu-48', gib: 48 },
];
const MORE_GIB = 80;
/** How far below the nominal size a card's reported memory may be and still count as that size. */
export const VRAM_SLACK_MIB = 512;

export const HARDWARE_CLASS_LABELS: Record<HardwareClass, string> = {
  cpu: 'CPU only',
  'gpu-8': 'GPU, up to 8 GB',
  'gpu-12': 'GPU, 12 GB',
  'gpu-16': 'GPU, 16 GB',
  'gpu-24': 'GPU, 24 GB',
  'gpu-48': 'GPU, 48 GB',
  'gpu-more': 'GPU, more than 48 GB',
};

/** The class a job's resources put it in; null for resources that make no sense. */
export function hardwareClassOf(resources: { gpus: number; minVramMiB: number }): HardwareClass | null {
  const { gpus, minVramMiB } = resources;
  if (!Number.isInteger(gpus) || gpus < 0 || !Number.isFinite(minVramMiB) || minVramMiB < 0) return null;
  if (gpus === 0) return 'cpu';
  for (const c of GPU_CLASSES) if (minVramMiB <= c.gib * 1024) return c.id;
  return 'gpu-more';
}

/**
 * The classes a machine runs: for a card of `vramMiB` every GPU class whose size it holds
 * (within VRAM_SLACK_MIB); without a GPU (null), CPU jobs only. A card whose memory is not
 * known runs, as far as we can tell, the smallest class.
 */
export function classesForCard(vramMiB: number | null, hasGpu: boolean): HardwareClass[] {
  if (!hasGpu) return ['cpu'];
  if (vramMiB === null || !Number.isFinite(vramMiB)) return ['gpu-8'];
  const held = GPU_CLASSES.filter((c) => c.gib * 1024 <= vramMiB + VRAM_SLACK_MIB).map((c) => c.id);
  if (MORE_GIB * 1024 <= vramMiB + VRAM_SLACK_MIB) held.push('gpu-more');
  // A card smaller than 8 GB still runs the smallest jobs that fit it: its class is the smallest.
  return held.length > 0 ? held : ['gpu-8'];
}

const Micros = z.string().regex(/^\d{1,30}$/);

export const PriceStatsSchema = z.object({
  count: z.number().int().min(0),
  /** Null when count is 0; the median of an even count is the lower middle (a price that was paid). */
  medianMicros: Micros.nullable(),
  minMicros: Micros.nullable(),
  maxMicros: Micros.nullable(),
  /** Distinct requesters behind the awards. */
  requesters: z.number().int().min(0),
  /** Awards of the requester with the most (one requester posting most jobs can set the median). */
  topRequesterAwards: z.number().int().min(0),
});
export type PriceStats = z.infer<typeof PriceStatsSchema>;

export const PriceSeriesPointSchema = z.object({
  /** Start of the hour, unix seconds (chain time). */
  hourStart: z.number().int(),
  count: z.number().int().min(1),
  medianMicros: Micros,
  minMicros: Micros,
  maxMicros: Micros,
});
export type PriceSeriesPoint = z.infer<typeof PriceSeriesPointSchema>;

export const MarketPricesSchema = z.object({
  /** 'none': no v2 market, or no award seen yet for this card's classes. */
  status: z.enum(['ok', 'none']),
  /** In words, when status is 'none' (why there is nothing to show). */
  message: z.string().nullable(),
  classes: z.array(HardwareClassSchema),
  /** Chain time the windows end at (unix seconds). */
  asOf: z.number().int(),
  day: PriceStatsSchema,
  week: PriceStatsSchema,
  /** Hourly medians and ranges over the last 7 days, oldest first, hours with awards only. */
  hourly: z.array(PriceSeriesPointSchema),
  /** Awarded jobs whose document could not be read (no class): left out of every figure. */
  unclassified: z.number().int().min(0),
});
export type MarketPrices = z.infer<typeof MarketPricesSchema>;

export const DAY_SECONDS = 86_400;
export const WEEK_SECONDS = 7 * DAY_SECONDS;

/** The lower middle of the sorted prices: always a price somebody was actually paid. */
export function medianOf(sorted: readonly bigint[]): bigint | null {
  if (sorted.length === 0) return null;
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** An award as the statistics read it: its price and who posted the job (lower case). */
export interface PricedAward {
  microsPerHour: bigint;
  requester: string;
}

export function statsOf(awards: readonly PricedAward[]): PriceStats {
  const sorted = awards.map((a) => a.microsPerHour).sort(ascending);
  const median = medianOf(sorted);
  const perRequester = new Map<string, number>();
  for (const a of awards) perRequester.set(a.requester, (perRequester.get(a.requester) ?? 0) + 1);
  return {
    count: sorted.length,
    medianMicros: median === null ? null : median.toString(),
    minMicros: sorted.length ? sorted[0]!.toString() : null,
    maxMicros: sorted.length ? sorted[sorted.length - 1]!.toString() : null,
    requesters: perRequester.size,
    topRequesterAwards: Math.max(0, ...perRequester.values()),
  };
}

/** Per hour (chain time) with at least one award: count, median and range; oldest first. */
export function hourlySeries(points: ReadonlyArray<PricedAward & { time: number }>): PriceSeriesPoint[] {
  const byHour = new Map<number, PricedAward[]>();
  for (const p of points) {
    const hour = Math.floor(p.time / 3600) * 3600;
    const list = byHour.get(hour);
    if (list) list.push(p);
    else byHour.set(hour, [p]);
  }
  return [...byHour.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([hourStart, prices]) => {
      const s = statsOf(prices);
      return { hourStart, count: s.count, medianMicros: s.medianMicros!, minMicros: s.minMicros!, maxMicros: s.maxMicros! };
    });
}

/**
 * The figures for a set of classes from the awards kept (any classes): windows of 24 h and
 * 7 d ending at `now` (chain seconds; an award at exactly now - 24 h is in the day). An award
 * newer than `now` counts (the head's time may lag the block an award was read from).
 */
export function marketPricesOf(
  points: ReadonlyArray<PricedAward & { time: number; hardwareClass: HardwareClass }>,
  input: { classes: readonly HardwareClass[]; now: number; unclassified: number },
): MarketPrices {
  const wanted = new Set(input.classes);
  const week = points.filter((p) => wanted.has(p.hardwareClass) && p.time >= input.now - WEEK_SECONDS);
  const day = week.filter((p) => p.time >= input.now - DAY_SECONDS);
  return {
    status: week.length > 0 ? 'ok' : 'none',
    message: week.length > 0 ? null : 'No market data yet: no job for this card was awarded on the v2 market in the last 7 days.',
    classes: [...input.classes],
    asOf: input.now,
    day: statsOf(day),
    week: statsOf(week),
    hourly: hourlySeries(week),
    unclassified: input.unclassified,
  };
}

/** The answer when there is no v2 market to read (v1, or no chain yet). */
export function noMarketPrices(classes: readonly HardwareClass[], now: number, message: string): MarketPrices {
  return { ...marketPricesOf([], { classes, now, unclassified: 0 }), message };
}
