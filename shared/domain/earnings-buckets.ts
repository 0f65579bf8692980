import type { EarningsBucketSize, EarningsRange } from './earnings';
import { DAY_MS, localFieldsToMs, zonedParts, zonedToEpoch } from './zoned-time';

/**
 * Chart buckets in the owner's time zone (the schedule's), so "a day" is their calendar day,
 * DST included: a bucket is [start, end) in epoch ms.
 */
export interface TimeBucket {
  start: number;
  end: number;
}

/** How far back each range reaches. */
export const RANGE_SPAN_MS: Record<EarningsRange, number> = {
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
  year: 365 * DAY_MS,
};

export function defaultBucketSize(range: EarningsRange): EarningsBucketSize {
  switch (range) {
    case 'day':
      return 'hour';
    case 'week':
    case 'month':
      return 'day';
    case 'year':
      return 'month';
  }
}

/** The start of the bucket holding `epochMs`. */
export function bucketFloor(epochMs: number, size: EarningsBucketSize, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  switch (size) {
    case 'hour':
      return zonedToEpoch(localFieldsToMs(p.year, p.month, p.day, p.hour), timeZone);
    case 'day':
      return zonedToEpoch(localFieldsToMs(p.year, p.month, p.day), timeZone);
    case 'week':
      // Weeks start on Monday (ISO 8601).
      return zonedToEpoch(localFieldsToMs(p.year, p.month, p.day - p.weekday), timeZone);
    case 'month':
      return zonedToEpoch(localFieldsToMs(p.year, p.month, 1), timeZone);
  }
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, size: EarningsBucketSize, timeZone: string): number {
  const p = zonedParts(start, timeZone);
  switch (size) {
    case 'hour':
      // Real hours, not wall hours: a DST change makes one wall hour 0 or 2 h long.
      return start + 3_600_000;
    case 'day':
      return zonedToEpoch(localFieldsToMs(p.year, p.month, p.day + 1), timeZone);
    case 'week':
      return zonedToEpoch(localFieldsToMs(p.year, p.month, p.day + 7), timeZone);
    case 'month':
      return zonedToEpoch(localFieldsToMs(p.year, p.month + 1, 1), timeZone);
  }
}

/** Bucket sizes that make a readable chart for each range (hours over a year would be 8,760 bars). */
export const ALLOWED_BUCKETS: Record<EarningsRange, readonly EarningsBucketSize[]> = {
  day: ['hour'],
  week: ['hour', 'day'],
  month: ['day', 'week'],
  year: ['week', 'month'],
};

/** The buckets covering the range that ends now, oldest first; the last holds `now`. */
export function rangeBuckets(range: EarningsRange, size: EarningsBucketSize, now: number, timeZone: string): TimeBucket[] {
  const buckets: TimeBucket[] = [];
  // Whole buckets only: the first one that starts inside the range (7 days, 12 months...).
  const earliest = now - RANGE_SPAN_MS[range];
  let start = bucketFloor(earliest, size, timeZone);
  if (start <= earliest) start = nextBucket(start, size, timeZone);
  while (start <= now) {
    const end = nextBucket(start, size, timeZone);
    buckets.push({ start, end });
    start = end;
  }
  return buckets;
}

/** Index of the bucket holding `t`, or -1 (buckets sorted and contiguous). */
export function findBucket(buckets: readonly TimeBucket[], t: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = buckets[mid]!;
    if (t < b.start) hi = mid - 1;
    else if (t >= b.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
